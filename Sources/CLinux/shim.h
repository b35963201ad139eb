#ifndef PINHOLE_CLINUX_SHIM_H
#define PINHOLE_CLINUX_SHIM_H
// Linux interfaces Swift's Glibc module does not export: epoll and eventfd
// for the upstream reactor, and naming the calling thread for ps/top/perf.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

static inline int pinhole_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
#endif
