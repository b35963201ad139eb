/// `[log] target`: where pinholed's log messages go.
public enum LogTarget: String, Sendable, Equatable, CaseIterable {
    /// The journal when stderr is connected to it (JOURNAL_STREAM, as under
    /// systemd), else stderr.
    case auto
    /// Always the journal's native protocol, structured fields included.
    case journal
    /// Always stderr, one line per message.
    case stderr
}
