#ifndef PINHOLE_CLINUX_SHIM_H
#define PINHOLE_CLINUX_SHIM_H
// Linux interfaces Swift's Glibc module does not export: epoll and eventfd
// for the reactor, recvmmsg/sendmmsg for batched UDP, and naming the calling
// thread for ps/top/perf; the sock_diag netlink interface (structs and
// constants of the kernel's uapi headers) for client socket lookups; pidfds
// and cgroup handles for the attribution's process index (through
// syscall(2): glibc declares them only under _GNU_SOURCE, and Swift cannot
// call the variadic syscall itself); xattrs for the mark pinholed leaves
// on `pinhole exec` scopes; the process events connector (cn_proc) for the
// governor's exec watch.
#include <linux/cn_proc.h>
#include <linux/connector.h>
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
#include <string.h>

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

/// Sends PROC_CN_MCAST_LISTEN (`listen` != 0) or PROC_CN_MCAST_IGNORE to
/// the process events connector over the NETLINK_CONNECTOR socket `fd`
/// (bound to CN_IDX_PROC), with `ack` in its cn_msg (the kernel answers
/// with a PROC_EVENT_NONE whose ack is `ack` + 1: `pinhole_proc_ack`); the
/// byte count sent, or -1 with errno (ECONNREFUSED: the socket is not in
/// the initial network namespace).
static inline int pinhole_proc_connector_send(int fd, int listen, uint32_t ack) {
    struct {
        struct nlmsghdr header;
        struct cn_msg message;
        enum proc_cn_mcast_op op;
    } __attribute__((packed)) request;
    memset(&request, 0, sizeof(request));
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = NLMSG_DONE;
    request.header.nlmsg_pid = 0;
    request.message.id.idx = CN_IDX_PROC;
    request.message.id.val = CN_VAL_PROC;
    request.message.ack = ack;
    request.message.len = sizeof(enum proc_cn_mcast_op);
    request.op = listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    return (int)sendto(fd, &request, sizeof(request), 0, (struct sockaddr *)&kernel, sizeof(kernel));
}

/// The kernel's answer to a subscription in one datagram: its ack field
/// (the request's + 1) with the error in `*error` (0, or an errno such as
/// EPERM: no CAP_NET_ADMIN), or -1 when the datagram is no such answer.
static inline int64_t pinhole_proc_ack(const void *bytes, size_t length, int *error) {
    const size_t offset = NLMSG_HDRLEN + sizeof(struct cn_msg);
    if (length < offset + sizeof(struct proc_event)) return -1;
    struct cn_msg message;
    memcpy(&message, (const char *)bytes + NLMSG_HDRLEN, sizeof(message));
    if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC) return -1;
    struct proc_event event;
    memcpy(&event, (const char *)bytes + offset, sizeof(event));
    if (event.what != PROC_EVENT_NONE) return -1;
    *error = (int)event.event_data.ack.err;
    return message.ack;
}

/// The tgid of a PROC_EVENT_EXEC in one datagram read from the connector
/// (`length` bytes at `bytes`), or -1 when it is another event or malformed.
static inline int pinhole_proc_exec_tgid(const void *bytes, size_t length) {
    const size_t offset = NLMSG_HDRLEN + sizeof(struct cn_msg);
    if (length < offset + sizeof(struct proc_event) - sizeof(((struct proc_event *)0)->event_data) + sizeof(struct exec_proc_event)) {
        return -1;
    }
    const struct nlmsghdr *header = (const struct nlmsghdr *)bytes;
    if (header->nlmsg_type != NLMSG_DONE) return -1;
    struct cn_msg message;
    memcpy(&message, (const char *)bytes + NLMSG_HDRLEN, sizeof(message));
    if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC) return -1;
    // Unaligned in the datagram (36 bytes in): copied out, not cast.
    struct proc_event event;
    size_t available = length - offset < sizeof(event) ? length - offset : sizeof(event);
    memset(&event, 0, sizeof(event));
    memcpy(&event, (const char *)bytes + offset, available);
    if (event.what != PROC_EVENT_EXEC) return -1;
    return event.event_data.exec.process_tgid;
}
#endif
