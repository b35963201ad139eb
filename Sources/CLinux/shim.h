#ifndef PINHOLE_CLINUX_SHIM_H
#define PINHOLE_CLINUX_SHIM_H
// Linux interfaces Swift's Glibc module does not export: epoll and eventfd
// for the reactor, recvmmsg/sendmmsg for batched UDP, and naming the calling
// thread for ps/top/perf; the sock_diag netlink interface (structs and
// constants of the kernel's uapi headers) for client socket lookups; pidfds
// and cgroup handles for the attribution's process index (through
// syscall(2): glibc declares them only under _GNU_SOURCE, and Swift cannot
// call the variadic syscall itself); xattrs for the mark pinholed leaves
// on `pinhole exec` scopes.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>

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

/// A pidfd for `pid` (close-on-exec), or -1 with errno.
static inline int pinhole_pidfd_open(int pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/// Opens the cgroup v2 directory whose id (kernfs node id, the inode number
/// sock_diag reports) is `cgroup_id`, relative to the cgroup2 mount open at
/// `mount_fd`; -1 with errno (ESTALE: no such cgroup; EPERM: needs
/// CAP_DAC_READ_SEARCH).
static inline int pinhole_open_cgroup_by_id(int mount_fd, uint64_t cgroup_id) {
    struct {
        unsigned int handle_bytes;
        int handle_type;
        uint64_t id;
    } handle = { sizeof(uint64_t), 0xfe /* FILEID_KERNFS */, cgroup_id };
    return (int)syscall(SYS_open_by_handle_at, mount_fd, &handle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}
#endif
