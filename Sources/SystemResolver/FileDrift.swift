/// A file `system-resolver enable` wrote that is no longer what it left
/// there: an admin or another tool (NetworkManager, resolvconf) changed it
/// since. `disable` will not overwrite it without `--force`.
public struct FileDrift: Sendable, Equatable {
    /// The path on the target system ("/etc/resolv.conf").
    public var path: String
    /// What enable left there.
    public var written: FileState
    /// What is there now.
    public var now: FileState
    /// What changed, for people: "now a symlink to ../run/x", "other contents,
    /// 80 bytes now, enable left 57".
    public var change: String

    public init(path: String, written: FileState, now: FileState, change: String) {
        self.path = path
        self.written = written
        self.now = now
        self.change = change
    }

    /// "/etc/resolv.conf was changed after enable (now a symlink to …)".
    public var sentence: String {
        now.kind == .absent ? "\(path) was removed after enable" : "\(path) was changed after enable (\(change))"
    }

    /// What changed between `written` and `now` (bytes compared by the caller:
    /// `contentsDiffer`); nil when nothing did.
    public static func change(from written: FileState, to now: FileState, contentsDiffer: Bool) -> String? {
        switch (written.kind, now.kind) {
        case (_, .absent) where written.kind != .absent:
            return "now missing"
        case (_, .symlink) where written.kind != .symlink || written.target != now.target:
            return "now a symlink to \(now.target ?? "?")"
        case (.symlink, .regular):
            return "now a regular file of \(now.size ?? 0) bytes, not the symlink to \(written.target ?? "?")"
        case (.regular, .regular):
            var changes: [String] = []
            if contentsDiffer {
                changes.append(now.size == written.size
                    ? "other contents of the same size, \(now.size ?? 0) bytes"
                    : "other contents, \(now.size ?? 0) bytes now, enable left \(written.size ?? 0)")
            }
            if now.mode != written.mode {
                changes.append("mode \(octal(now.mode)) now, enable left \(octal(written.mode))")
            }
            if now.uid != written.uid || now.gid != written.gid {
                changes.append("owner \(now.uid.map(String.init) ?? "?"):\(now.gid.map(String.init) ?? "?") now, enable left \(written.uid.map(String.init) ?? "?"):\(written.gid.map(String.init) ?? "?")")
            }
            return changes.isEmpty ? nil : changes.joined(separator: "; ")
        default:
            return nil
        }
    }

    /// Why disable stopped, with every changed file and the way on.
    static func refusal(_ drifts: [FileDrift]) -> String {
        "disable stopped before changing anything:\n"
            + drifts.map { "  " + $0.sentence + "\n" }.joined()
            + "Putting the backups back would overwrite \(drifts.count == 1 ? "that change" : "those changes"); "
            + "look at \(drifts.count == 1 ? "it" : "them"), then run `pinhole system-resolver disable --force` "
            + "to restore the backups anyway (the current versions are saved in the state directory first)"
    }

    static func octal(_ mode: UInt32?) -> String {
        guard let mode else { return "?" }
        let digits = String(mode, radix: 8)
        return "0" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
