import Glibc
import Logging

/// Picks pinholed's log handler from `[log] target`.
public enum DaemonLogging {
    /// Where journald listens for native-protocol datagrams.
    static let journalSocket = "/run/systemd/journal/socket"

    /// Whether messages go to the journal: `journal` when its socket exists
    /// (else stderr, so nothing is lost on a machine without journald), `auto`
    /// when stderr is the journal's stream.
    public static func usesJournal(_ target: LogTarget, environment: [String: String]) -> Bool {
        switch target {
        case .stderr: false
        case .auto: Systemd.stderrIsJournal(environment: environment)
        case .journal: access(journalSocket, F_OK) == 0
        }
    }

    /// The handler factory for `LoggingSystem.bootstrap`.
    public static func factory(
        level: Logger.Level, target: LogTarget, environment: [String: String]
    ) -> @Sendable (String) -> any LogHandler {
        if usesJournal(target, environment: environment) {
            return { _ in
                var handler = JournalLogHandler(identifier: "pinholed")
                handler.logLevel = level
                return handler
            }
        }
        return { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
