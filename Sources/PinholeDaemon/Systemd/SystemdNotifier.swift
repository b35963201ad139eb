/// What pinholed tells systemd (sd_notify(3)) as its state changes; every
/// call is a no-op when NOTIFY_SOCKET is unset.
enum SystemdNotifier {
    /// Listeners bound and policy loaded: systemd starts the units ordered after us.
    static func ready(status: String) {
        Systemd.notify("READY=1\nSTATUS=\(status)")
    }

    /// A SIGHUP reload begins. MONOTONIC_USEC lets systemd ≥ 253 (Type=notify-reload)
    /// tell this reload from an older one; systemd 252 ignores the field.
    static func reloading() {
        Systemd.notify("RELOADING=1\nMONOTONIC_USEC=\(Systemd.monotonicMicroseconds())\nSTATUS=reloading policy")
    }

    /// The reload finished (applied or rejected: the daemon serves either way).
    static func reloaded(status: String) {
        Systemd.notify("READY=1\nSTATUS=\(status)")
    }

    /// Graceful shutdown began.
    static func stopping() {
        Systemd.notify("STOPPING=1\nSTATUS=stopping")
    }

    /// A fresh one-line status for `systemctl status`.
    static func status(_ text: String) {
        Systemd.notify("STATUS=\(text)")
    }

    /// The answering path is alive.
    static func watchdog() {
        Systemd.notify("WATCHDOG=1")
    }
}
