import Logging

extension DaemonConfig {
    /// Applies command-line overrides, checked with the same parsers as the
    /// file: a non-empty `listen` replaces `server.listen` (flag `--listen`),
    /// a non-empty `upstreams` replaces `upstream.servers` (`--upstream`), a
    /// non-nil `logLevel` replaces `log.level` (`--log-level`).
    public mutating func applying(listen: [String], upstreams: [String], logLevel: String?) throws(ConfigError) {
        var updated = self
        if !listen.isEmpty {
            updated.server.listen = try Self.parseFlag("--listen", listen)
        }
        if !upstreams.isEmpty {
            updated.upstream.servers = try Self.parseFlag("--upstream", upstreams)
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw ConfigError(
                    key: "--log-level",
                    message: "--log-level \"\(logLevel)\": expected one of \(ConfigValueReader.logLevels)")
            }
            updated.log.level = level
        }
        for server in updated.upstream.servers {
            guard let own = updated.ownListenAddress(receiving: server) else { continue }
            // Blame the flag that introduced the clash.
            let flag = upstreams.isEmpty ? "--listen" : "--upstream"
            throw ConfigError(
                key: flag,
                message: "\(flag): upstream \(server) is pinhole's own listen address \(own); pinhole would query itself")
        }
        self = updated
    }

    private static func parseFlag(_ flag: String, _ values: [String]) throws(ConfigError) -> [SocketAddressText] {
        var result: [SocketAddressText] = []
        for value in values {
            do {
                let address = try SocketAddressText(parsing: value)
                if !result.contains(address) { result.append(address) }
            } catch {
                throw ConfigError(key: flag, message: "\(flag) \"\(value)\": \(error.message)")
            }
        }
        return result
    }
}
