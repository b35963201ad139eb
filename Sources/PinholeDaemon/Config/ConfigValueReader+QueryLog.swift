import PinholeCore
import QueryLog
import TOMLKit

extension ConfigValueReader {
    /// The `[querylog]` table over `defaults`.
    func queryLog(_ table: TOMLTable, defaults: DaemonConfig.QueryLog) throws(ConfigError) -> DaemonConfig.QueryLog {
        var result = defaults
        func value(_ key: String) -> (TOMLValue, [String])? {
            guard let node = table[key] else { return nil }
            return (node.tomlValue, ["querylog", key])
        }
        if let (v, path) = value("enabled") { result.enabled = try bool(v, path) }
        if let (v, path) = value("path") {
            let text = try string(v, path)
            guard text.hasPrefix("/") else { throw error(path, "expected an absolute path, got \"\(text)\"") }
            result.path = text
        }
        if let (v, path) = value("max_age") { result.maxAge = v.bool == false ? nil : try duration(v, path) }
        if let (v, path) = value("max_size") { result.maxSize = v.bool == false ? nil : try byteSize(v, path) }
        if let (v, path) = value("batch_interval") {
            let interval = try duration(v, path)
            guard interval <= .seconds(60) else { throw error(path, "expected at most 60s, got \(Self.show(v))") }
            result.batchInterval = interval
        }
        if let (v, path) = value("batch_size") { result.batchSize = try integer(v, path, in: 1...1_000_000) }
        if let (v, path) = value("queue") { result.queue = try integer(v, path, in: 1...16_777_216) }
        if result.queue < result.batchSize {
            let path = ["querylog", value("queue") != nil ? "queue" : "batch_size"]
            throw error(path, "querylog.queue (\(result.queue)) must be at least querylog.batch_size (\(result.batchSize))")
        }
        if let (v, path) = value("ignore_names") { result.ignoreNames = try domainPatterns(v, path) }
        if let (v, path) = value("ignore_apps") { result.ignoreApps = try globs(v, path) }
        return result
    }

    /// A size string ("1GiB") or integer bytes, greater than zero.
    func byteSize(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> Int64 {
        let parsed: Int64? = if let bytes = value.int { Int64(bytes) } else if let text = value.string { ByteSizeText.parse(text) } else { nil }
        guard let parsed else { throw error(path, "expected \(ByteSizeText.expected) (or false for no limit), got \(Self.show(value))") }
        guard parsed > 0 else { throw error(path, "expected a size greater than 0, got \(Self.show(value))") }
        return parsed
    }

    /// An array of domain patterns ("example.com", "*.lan", "*.local").
    func domainPatterns(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> [DomainPattern] {
        guard let array = value.array else {
            throw error(path, "expected an array of domain patterns such as [\"*.lan\", \"example.com\"], got \(Self.show(value))")
        }
        var result: [DomainPattern] = []
        for element in array {
            guard let text = element.string else {
                throw error(path, "expected an array of strings, got the element \(Self.show(element.tomlValue))")
            }
            do {
                result.append(try DomainPattern(text))
            } catch {
                throw self.error(path, "\"\(text)\": \(error.message)")
            }
        }
        return result
    }
}
