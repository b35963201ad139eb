import Attribution
import PinholeCore

/// How `pinhole why` names an app: a running process by pid, a systemd unit
/// or scope, or an executable path; `unknown` for unattributed queries.
public enum AppSpecifier {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The identity `text` stands for.
    /// - "1234": the running process 1234, read from /proc like pinholed does.
    /// - "/usr/bin/curl": that executable, in no unit.
    /// - "nginx.service", "app-firefox-1234.scope", "user:pipewire.service": that unit (user unit with `user:`).
    /// - "unknown": no identity (the default profile).
    public static func identity(_ text: String) throws(Invalid) -> AppIdentity? {
        if text == Attribution.unknownKey { return nil }
        if let pid = Int32(text) {
            do {
                return try IdentityReader().identity(of: pid)
            } catch {
                throw Invalid(description: "process \(pid): \(error)")
            }
        }
        if text.hasPrefix("/") { return synthetic(executable: text, unit: nil, userUnit: nil) }
        let isUser = text.hasPrefix("user:")
        let unit = isUser ? String(text.dropFirst(5)) : text
        let suffixes = [".service", ".scope", ".slice", ".socket", ".timer"]
        guard suffixes.contains(where: unit.hasSuffix) else {
            throw Invalid(description: "\"\(text)\" is neither a pid, an absolute executable path, a unit (nginx.service, app-x.scope; user:NAME for a user unit) nor unknown")
        }
        return synthetic(executable: "", unit: isUser ? nil : unit, userUnit: isUser ? unit : nil)
    }

    private static func synthetic(executable: String, unit: String?, userUnit: String?) -> AppIdentity {
        let cgroup = unit.map { "/system.slice/\($0)" } ?? userUnit.map { "/user.slice/\($0)" } ?? "/"
        return AppIdentity(
            key: AppKey.derive(unit: unit, userUnit: userUnit, executable: executable), pid: 0, startTime: 0,
            executable: executable, executableState: .present, commandLine: [], ancestors: [], uid: 0, userName: "root",
            cgroupPath: cgroup, unit: unit, userUnit: userUnit, slice: nil, flatpakID: AppKey.flatpakID(fromUnit: userUnit ?? unit ?? ""),
            snapName: AppKey.snapName(fromUnit: userUnit ?? unit ?? ""))
    }
}
