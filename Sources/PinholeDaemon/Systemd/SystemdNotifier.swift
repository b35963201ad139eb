/// What pinholed tells systemd (sd_notify(3)) as its state changes; every
/// call is a no-op when NOTIFY_SOCKET is unset.
enum SystemdNotifier {
    /// Listeners bound and policy loaded: systemd starts the units ordered after us.
    static func ready(status: String) {
        Systemd.notify(Message.ready(status: status))
    }

    /// A SIGHUP reload begins.
    static func reloading() {
        Systemd.notify(Message.reloading(monotonicMicroseconds: Systemd.monotonicMicroseconds()))
    }

    /// The reload finished (applied or rejected: the daemon serves either way).
    static func reloaded(status: String) {
        Systemd.notify(Message.ready(status: status))
    }

    /// The notify messages, as sd_notify(3) spells them.
    enum Message {
        static func ready(status: String) -> String { "READY=1\nSTATUS=\(status)" }
        /// MONOTONIC_USEC lets systemd ≥ 253 (Type=notify-reload) tell this
        /// reload from an older one; systemd 252 ignores the field.
        static func reloading(monotonicMicroseconds: UInt64) -> String {
            "RELOADING=1\nMONOTONIC_USEC=\(monotonicMicroseconds)\nSTATUS=reloading policy"
        }
        static let stopping = "STOPPING=1\nSTATUS=stopping"
        static func status(_ text: String) -> String { "STATUS=\(text)" }
        static let watchdog = "WATCHDOG=1"
    }
}
