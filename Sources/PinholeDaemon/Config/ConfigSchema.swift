/// The tables and keys the config file may contain, in documentation order,
/// for rejecting unknown ones with a helpful list.
enum ConfigSchema {
    static let tables: [(name: String, keys: [String])] = [
        ("server", ["listen"]),
        ("upstream", ["servers", "resolv_conf", "attempt_timeout", "timeout", "search"]),
        ("cache", ["size", "min_ttl", "max_ttl", "negative_max_ttl", "serve_stale", "stale_max_age"]),
        ("tcp", ["idle_timeout", "max_connections", "max_outstanding_per_client"]),
        ("attribution", ["enabled"]),
        ("policy", ["enabled", "profiles_dir", "lists_dir", "block_reply", "block_ttl", "canaries", "resolver_discovery"]),
        ("enforcement", [
            "enabled", "pin_floor", "fail_closed", "interface_owners", "enforce_unprofiled", "exempt", "capture_dns", "mark",
            "doh_addresses",
        ]),
        ("log", ["level", "target"]),
        ("querylog", [
            "enabled", "path", "max_age", "max_size", "batch_interval", "batch_size", "queue", "ignore_names", "ignore_apps",
        ]),
        ("control", ["socket", "read_group", "admin_group"]),
        ("varlink", ["enabled", "socket"]),
    ]

    /// The keys of `table`, or nil for an unknown table.
    static func keys(of table: String) -> [String]? {
        tables.first { $0.name == table }?.keys
    }

    /// "server, upstream, cache, tcp, log".
    static var tableList: String { tables.map(\.name).joined(separator: ", ") }

    /// Every key path, "server.listen" etc.
    static var allKeyPaths: [String] {
        tables.flatMap { table in table.keys.map { "\(table.name).\($0)" } }
    }
}
