/// The stable name of an app that policy and the log use, derived from the
/// systemd units around a process: the same app gets the same key across
/// launches, reboots and pids.
///
/// - Flatpak scope `app-flatpak-<APPID>-<N>.scope` → `flatpak:<APPID>`
/// - snap scope or service `snap.<NAME>.<APP>…` → `snap:<NAME>`
/// - desktop apps (`app[-<launcher>]-<AppID>[-<RANDOM>].scope`,
///   `app[-<launcher>]-<AppID>[@<RANDOM>].service`) → the unit without the
///   random part
/// - `pinhole exec --app NAME` scope `pinhole-NAME-<N>.scope` → `exec:NAME`
/// - other services and scopes → the unit name
/// - units that group unrelated programs (login sessions, terminals,
///   `systemd-run`, the user manager itself) or no unit → the executable path
public enum AppKey {
    /// The key of a process in system unit `unit` and user unit `userUnit`
    /// (the user unit wins: it is the finer one) running `executable`.
    public static func derive(unit: String?, userUnit: String?, executable: String) -> String {
        guard let chosen = userUnit ?? unit else { return executable }
        if let id = flatpakID(fromUnit: chosen) { return "flatpak:\(id)" }
        if let name = snapName(fromUnit: chosen) { return "snap:\(name)" }
        if let name = ExecScope.appName(fromUnit: chosen) { return "exec:\(name)" }
        if groupsUnrelatedPrograms(chosen) { return executable }
        if chosen.hasPrefix("app-") { return droppingRandomSuffix(chosen) }
        return chosen
    }

    /// The Flatpak application id of a scope named `app-flatpak-<APPID>-<N>.scope`.
    public static func flatpakID(fromUnit unit: String) -> String? {
        let prefix = "app-flatpak-"
        guard unit.hasPrefix(prefix), unit.hasSuffix(".scope") else { return nil }
        var body = unit.dropFirst(prefix.count).dropLast(".scope".count)
        if let dash = body.lastIndex(of: "-"), isAllDigits(body[body.index(after: dash)...]) {
            body = body[..<dash]
        }
        return body.isEmpty ? nil : String(body)
    }

    /// The snap name of a unit named `snap.<NAME>.<APP>….scope|.service`.
    public static func snapName(fromUnit unit: String) -> String? {
        guard unit.hasPrefix("snap."), unit.hasSuffix(".scope") || unit.hasSuffix(".service") else { return nil }
        let parts = unit.split(separator: ".", omittingEmptySubsequences: false)
        // snap . NAME . APP… . scope: at least four parts, NAME not empty.
        guard parts.count >= 4, !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// Whether `unit` holds programs that have nothing to do with each other,
    /// so its name says nothing about which app asked.
    static func groupsUnrelatedPrograms(_ unit: String) -> Bool {
        if unit == "init.scope" { return true }
        let prefixes = ["session-", "user@", "user-runtime-dir@", "vte-spawn-", "tmux-spawn-", "run-"]
        return prefixes.contains { unit.hasPrefix($0) }
    }

    /// `unit` without the random instance part systemd's XDG convention adds
    /// (`-<RANDOM>` before `.scope`, `@<RANDOM>` before `.service`), when that
    /// part looks random: all digits, at least 8 hex digits, or a UUID.
    static func droppingRandomSuffix(_ unit: String) -> String {
        if unit.hasSuffix(".scope") {
            let body = unit.dropLast(".scope".count)
            if let stem = stem(of: body, separator: "-") { return stem + ".scope" }
        } else if unit.hasSuffix(".service") {
            let body = unit.dropLast(".service".count)
            if let stem = stem(of: body, separator: "@") { return stem + "@.service" }
        }
        return unit
    }

    /// `body` up to the separator before a random-looking tail, or nil when
    /// the tail does not look random.
    private static func stem(of body: Substring, separator: Character) -> String? {
        // A UUID contains dashes itself: try it before the last-separator split.
        if body.count > 37 {
            let tail = body.suffix(36)
            let before = body.dropLast(36)
            if before.last == separator, isUUID(tail) { return String(before.dropLast()) }
        }
        guard let cut = body.lastIndex(of: separator) else { return nil }
        let stem = body[..<cut]
        let tail = body[body.index(after: cut)...]
        // "app-" alone is no app id: keep "app-1234.scope" whole.
        guard stem.count > "app".count, looksRandom(tail) else { return nil }
        return String(stem)
    }

    private static func looksRandom(_ text: Substring) -> Bool {
        isAllDigits(text) || (text.count >= 8 && text.allSatisfy(\.isHexDigit)) || isUUID(text)
    }

    private static func isAllDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func isUUID(_ text: Substring) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
