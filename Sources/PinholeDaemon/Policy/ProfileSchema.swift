/// The keys a profile file may contain, for rejecting unknown ones with a helpful list.
enum ProfileSchema {
    /// Top-level keys, in documentation order.
    static let keys = [
        "mode", "allow", "deny", "vendor", "lists", "allow_cidrs", "interfaces", "block_reply", "rebinding_guard", "log", "match",
    ]
    /// Keys of the `[match]` table.
    static let matchKeys = ["unit", "executable", "cgroup", "user"]
    /// The file stem of the profile that replaces the built-in default (it has no `[match]`).
    static let defaultName = "default"
}
