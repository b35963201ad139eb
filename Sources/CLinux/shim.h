#ifndef PINHOLE_CLINUX_SHIM_H
#define PINHOLE_CLINUX_SHIM_H
// Linux interfaces Swift's Glibc module does not export: epoll and eventfd
// for the reactor, recvmmsg/sendmmsg for batched UDP, and naming the calling
// thread for ps/top/perf; the sock_diag netlink interface (structs and
// constants of the kernel's uapi headers) for client socket lookups.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int pinhole_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

/// The kernel's struct mmsghdr (glibc declares it only under _GNU_SOURCE,
/// which the Glibc module is built without).
struct pinhole_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

static inline int pinhole_recvmmsg(int fd, struct pinhole_mmsghdr *messages, unsigned int count, int flags) {
    return (int)syscall(SYS_recvmmsg, fd, messages, count, flags, (void *)0);
}

static inline int pinhole_sendmmsg(int fd, struct pinhole_mmsghdr *messages, unsigned int count, int flags) {
    return (int)syscall(SYS_sendmmsg, fd, messages, count, flags);
}
#endif
