#ifndef PINHOLE_CSYSTEMD_SHIM_H
#define PINHOLE_CSYSTEMD_SHIM_H
// The unit, user unit and slice of a process (sd-login).
#include <systemd/sd-login.h>
// sd_notify / sd_watchdog_enabled: readiness, status and watchdog for Type=notify.
#include <systemd/sd-daemon.h>
// The journal's native protocol. The caller passes CODE_FILE/LINE/FUNC itself
// (those of the Swift log call), so the header's location macros are not wanted.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>
#include <sys/uio.h>

/// Sends one journal entry of `count` "FIELD=value" items. A named,
/// non-variadic entry point for Swift (sd_journal_send is variadic, and
/// sd-journal.h may turn sd_journal_sendv into a macro).
static inline int pinhole_journal_sendv(const struct iovec *items, int count) {
    return sd_journal_sendv(items, count);
}
#endif
