/// The cgroups `pinhole exec --app NAME -- CMD` runs commands in: a scope
/// unit named `pinhole-NAME-<N>.scope` (a systemd transient scope, or a
/// cgroup of that name under pinhole's own subtree when there is no
/// systemd). Profile selection maps such a scope to the profile named
/// NAME (apps.d/NAME.toml), so `--app shop` means "the shop profile".
public enum ExecScope {
    /// The unit name prefix of every exec scope.
    public static let prefix = "pinhole-"

    /// "pinhole-NAME-SERIAL.scope".
    public static func unitName(app: String, serial: Int) -> String {
        "\(prefix)\(app)-\(serial).scope"
    }

    /// The app name of an exec scope unit ("pinhole-shop-42.scope" → "shop"),
    /// nil for any other unit.
    public static func appName(fromUnit unit: String) -> String? {
        guard unit.hasPrefix(prefix), unit.hasSuffix(".scope") else { return nil }
        let body = unit.dropFirst(prefix.count).dropLast(".scope".count)
        guard let dash = body.lastIndex(of: "-") else { return nil }
        let serial = body[body.index(after: dash)...]
        let name = body[..<dash]
        guard !serial.isEmpty, serial.allSatisfy({ $0.isASCII && $0.isNumber }), isValidAppName(name) else { return nil }
        return String(name)
    }

    /// The exec scope app name of `identity`: its user unit's, else its unit's.
    public static func appName(of identity: AppIdentity) -> String? {
        identity.userUnit.flatMap(appName(fromUnit:)) ?? identity.unit.flatMap(appName(fromUnit:))
    }

    /// Whether `name` can be an app name in a unit name: ASCII letters,
    /// digits, `_`, `.` and `-`, not empty, at most 64 characters.
    public static func isValidAppName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") }
    }
}
