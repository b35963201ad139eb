import PinholeCore

/// Sets one `key = value` in a table of pinhole.toml with a minimal edit
/// (every other byte kept), through PinholeCore's TOML text scanner
/// (`ProfileTextEdit.setting`), the one the profile edits use. The result
/// is parsed by the config loader before it is written.
public enum TOMLKeySetter {
    /// `text` with `[table] key = value`; `value` is TOML as written
    /// (`"\"/etc/x\""`, `"true"`). `file` names the text in errors.
    public static func set(table: String, key: String, value: String, in text: String, file: String = "pinhole.toml") throws(SystemResolverError) -> String {
        do {
            return try ProfileTextEdit.setting(value, forKey: key, inTable: table, in: text).text
        } catch {
            throw SystemResolverError("cannot set \(table).\(key) in \(file): \(error); nothing was changed")
        }
    }
}
