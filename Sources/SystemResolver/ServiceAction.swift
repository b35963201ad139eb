/// One `systemctl` call of a switch, and the call that undoes it.
public struct ServiceAction: Sendable, Equatable, Codable {
    /// systemctl's arguments ("restart", "systemd-resolved.service").
    public var arguments: [String]
    /// The arguments that undo it on `disable` (empty: nothing to undo).
    public var undo: [String]
    /// Why, for the plan.
    public var reason: String

    public init(_ arguments: [String], undo: [String], reason: String) {
        self.arguments = arguments
        self.undo = undo
        self.reason = reason
    }

    /// True when the undo re-reads configuration (restart, reload): it
    /// must run after every file is restored, not at its place in reverse.
    public var undoRereadsFiles: Bool {
        ["daemon-reload", "restart", "try-restart", "reload", "reload-or-restart", "try-reload-or-restart"].contains(undo.first ?? "")
    }

    /// "systemctl restart systemd-resolved.service".
    public var commandLine: String { (["systemctl"] + arguments).joined(separator: " ") }
    /// The undo as a command line, or nil.
    public var undoCommandLine: String? { undo.isEmpty ? nil : (["systemctl"] + undo).joined(separator: " ") }
}
