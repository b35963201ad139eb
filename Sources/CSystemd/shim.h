#ifndef PINHOLE_CSYSTEMD_SHIM_H
#define PINHOLE_CSYSTEMD_SHIM_H
// The unit, user unit and slice of a process (sd-login), and the two process
// and cgroup handles the attribution target needs next to it. The Glibc
// module is built without _GNU_SOURCE, so the handle calls go through
// syscall(2), which Swift cannot call (variadic).
#include <systemd/sd-login.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

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
