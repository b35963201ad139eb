import PinholeCore
import TOMLKit

/// Loads `DaemonConfig` from a TOML file, checking every key and value.
public enum ConfigLoader {
    /// Where pinholed looks when no `--config` is given.
    public static let defaultPath = "/etc/pinhole/pinhole.toml"

    /// Reads and checks the file at `path`. A missing file is an error,
    /// except at `defaultPath`, where it means "all defaults".
    public static func load(path: String = defaultPath) throws(ConfigError) -> DaemonConfig {
        let text: String
        do {
            text = try TextFile.contents(of: path)
        } catch {
            if error.isMissing && path == defaultPath { return .defaults }
            throw ConfigError(file: path, message: "cannot read the config file: \(error.reason)")
        }
        return try parse(text, file: path)
    }

    /// Checks TOML `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfig {
        let reader = ConfigValueReader(file: file, locator: ConfigLineLocator(source: text))
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let syntax as TOMLParseError {
            throw ConfigError(
                file: file, line: syntax.source.begin.line, column: syntax.source.begin.column,
                message: "TOML syntax error: \(syntax.description)")
        } catch {
            throw ConfigError(file: file, message: "cannot parse the file as TOML: \(error)")
        }
        try checkKnownKeys(root, reader)

        func read<T>(
            _ table: String, _ key: String,
            _ parse: (TOMLValue, [String]) throws(ConfigError) -> T
        ) throws(ConfigError) -> T? {
            guard let value = root[table]?.table?[key]?.tomlValue else { return nil }
            return try parse(value, [table, key])
        }

        var config = DaemonConfig.defaults
        if let listen = try read("server", "listen", reader.addresses) {
            guard !listen.isEmpty else { throw reader.error(["server", "listen"], "expected at least one address") }
            config.server.listen = listen
        }

        let upstream = (
            servers: try read("upstream", "servers", reader.addresses),
            resolvConf: try read("upstream", "resolv_conf", reader.string),
            attemptTimeout: try read("upstream", "attempt_timeout", reader.duration),
            timeout: try read("upstream", "timeout", reader.duration)
        )
        config.upstream.servers = upstream.servers ?? config.upstream.servers
        config.upstream.resolvConf = upstream.resolvConf ?? config.upstream.resolvConf
        config.upstream.attemptTimeout = upstream.attemptTimeout ?? config.upstream.attemptTimeout
        config.upstream.timeout = upstream.timeout ?? config.upstream.timeout
        config.upstream.search = try read("upstream", "search", reader.searchDomains) ?? config.upstream.search
        if config.upstream.attemptTimeout > config.upstream.timeout {
            let limit = (
                DurationText.format(config.upstream.attemptTimeout), DurationText.format(config.upstream.timeout))
            throw upstream.attemptTimeout != nil
                ? reader.error(["upstream", "attempt_timeout"], "must not exceed upstream.timeout (\(limit.1)), got \(limit.0)")
                : reader.error(["upstream", "timeout"], "must be at least upstream.attempt_timeout (\(limit.0)), got \(limit.1)")
        }
        for server in config.upstream.servers {
            if let own = config.server.listen.first(where: { $0.receives(server) }) {
                throw reader.error(
                    ["upstream", "servers"],
                    "\"\(server)\" is pinhole's own listen address \(own) (server.listen); pinhole would query itself")
            }
        }

        let ttlRange = 0...2_147_483_647  // RFC 2181: TTLs are 31-bit
        let minTTL = try read("cache", "min_ttl") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: ttlRange)
        }
        let maxTTL = try read("cache", "max_ttl") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: ttlRange)
        }
        config.cache.minTTL = minTTL ?? config.cache.minTTL
        config.cache.maxTTL = maxTTL ?? config.cache.maxTTL
        if config.cache.maxTTL < config.cache.minTTL {
            throw maxTTL != nil
                ? reader.error(["cache", "max_ttl"], "must be at least cache.min_ttl (\(config.cache.minTTL)), got \(config.cache.maxTTL)")
                : reader.error(["cache", "min_ttl"], "must not exceed cache.max_ttl (\(config.cache.maxTTL)), got \(config.cache.minTTL)")
        }
        config.cache.size = try read("cache", "size") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: 0...10_000_000)
        } ?? config.cache.size
        config.cache.negativeMaxTTL = try read("cache", "negative_max_ttl") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: ttlRange)
        } ?? config.cache.negativeMaxTTL
        config.cache.serveStale = try read("cache", "serve_stale", reader.bool) ?? config.cache.serveStale
        config.cache.staleMaxAge = try read("cache", "stale_max_age", reader.duration) ?? config.cache.staleMaxAge

        config.tcp.idleTimeout = try read("tcp", "idle_timeout", reader.duration) ?? config.tcp.idleTimeout
        config.tcp.maxConnections = try read("tcp", "max_connections") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: 1...1_000_000)
        } ?? config.tcp.maxConnections
        config.tcp.maxOutstandingPerClient = try read("tcp", "max_outstanding_per_client") {
            (value, path) throws(ConfigError) in try reader.integer(value, path, in: 1...65_535)
        } ?? config.tcp.maxOutstandingPerClient

        config.attribution.enabled = try read("attribution", "enabled", reader.bool) ?? config.attribution.enabled
        config.policy.enabled = try read("policy", "enabled", reader.bool) ?? config.policy.enabled
        config.policy.profilesDir = try read("policy", "profiles_dir", reader.string) ?? config.policy.profilesDir
        config.policy.listsDir = try read("policy", "lists_dir", reader.string) ?? config.policy.listsDir
        config.policy.blockReply = try read("policy", "block_reply") { (value, path) throws(ConfigError) in
            let text = try reader.string(value, path)
            guard let reply = BlockReply(rawValue: text) else {
                throw reader.error(path, "expected one of \(BlockReply.names), got \"\(text)\"")
            }
            return reply
        } ?? config.policy.blockReply
        config.policy.blockTTL = try read("policy", "block_ttl") { (value, path) throws(ConfigError) in
            try reader.integer(value, path, in: 0...86_400)
        } ?? config.policy.blockTTL
        config.policy.canaries = try read("policy", "canaries", reader.bool) ?? config.policy.canaries
        config.policy.resolverDiscovery = try read("policy", "resolver_discovery", reader.bool) ?? config.policy.resolverDiscovery
        config.enforcement.enabled = try read("enforcement", "enabled", reader.bool) ?? config.enforcement.enabled
        config.enforcement.pinFloor = try read("enforcement", "pin_floor", reader.duration) ?? config.enforcement.pinFloor
        config.enforcement.failClosed = try read("enforcement", "fail_closed", reader.bool) ?? config.enforcement.failClosed
        config.enforcement.interfaceOwners =
            try read("enforcement", "interface_owners", reader.interfaceOwners) ?? config.enforcement.interfaceOwners
        config.enforcement.enforceUnprofiled =
            try read("enforcement", "enforce_unprofiled", reader.bool) ?? config.enforcement.enforceUnprofiled
        config.enforcement.exempt = try read("enforcement", "exempt", reader.globs) ?? config.enforcement.exempt
        config.enforcement.captureDNS = try read("enforcement", "capture_dns", reader.bool) ?? config.enforcement.captureDNS
        config.enforcement.mark = try read("enforcement", "mark") { (value, path) throws(ConfigError) in
            UInt32(try reader.integer(value, path, in: 1...Int(UInt32.max)))
        } ?? config.enforcement.mark
        config.enforcement.dohAddresses = try read("enforcement", "doh_addresses") { (value, path) throws(ConfigError) in
            if value.bool == false { return String?.none }
            guard value.string != nil else {
                throw reader.error(path, "expected a file path or false, got \(ConfigValueReader.show(value))")
            }
            return try reader.string(value, path)
        } ?? config.enforcement.dohAddresses
        config.log.level = try read("log", "level", reader.logLevel) ?? config.log.level
        config.log.target = try read("log", "target", reader.logTarget) ?? config.log.target
        if let table = root["querylog"]?.table { config.queryLog = try reader.queryLog(table, defaults: config.queryLog) }
        config.control.socket = try read("control", "socket", reader.string) ?? config.control.socket
        config.control.readGroup = try read("control", "read_group", reader.group) ?? config.control.readGroup
        // "" (the shipped value) means no admin group: only root changes policy.
        config.control.adminGroup = try read("control", "admin_group") { (value, path) throws(ConfigError) in
            value.string == "" ? String?.none : try reader.group(value, path)
        } ?? config.control.adminGroup
        config.varlink.enabled = try read("varlink", "enabled", reader.bool) ?? config.varlink.enabled
        config.varlink.socket = try read("varlink", "socket", reader.string) ?? config.varlink.socket
        return config
    }

    /// Rejects unknown tables and keys, reporting the one nearest the top of the file.
    private static func checkKnownKeys(_ root: TOMLTable, _ reader: ConfigValueReader) throws(ConfigError) {
        var problems: [ConfigError] = []
        let tableList = ConfigSchema.tables.map { "[\($0.name)]" }.joined(separator: ", ")
        for name in root.keys {
            let table = root[name]?.table
            guard let known = ConfigSchema.keys(of: name) else {
                let message = table != nil
                    ? "unknown table [\(name)] (known tables: \(ConfigSchema.tableList))"
                    : "unknown key \"\(name)\" (settings belong in a table: \(tableList))"
                problems.append(reader.error([name], message).replacingMessage(message))
                continue
            }
            guard let table else {
                problems.append(reader.error([name], "expected a table ([\(name)])"))
                continue
            }
            for key in table.keys where !known.contains(key) {
                let message = "unknown key \"\(name).\(key)\" (known keys in [\(name)]: \(known.joined(separator: ", ")))"
                problems.append(reader.error([name, key], message).replacingMessage(message))
            }
        }
        if let first = problems.min(by: { ($0.line ?? .max) < ($1.line ?? .max) }) { throw first }
    }
}

extension ConfigError {
    /// The same location and key with another message (for messages that name the key themselves).
    fileprivate func replacingMessage(_ message: String) -> ConfigError {
        var copy = self
        copy.message = message
        return copy
    }
}
