import Logging
import TOMLKit

/// Reads typed values out of parsed TOML, turning every mismatch into a
/// `ConfigError` that names the file, line and key.
struct ConfigValueReader {
    let file: String
    let locator: ConfigLineLocator

    /// An error about the key at `path`, located by the line locator.
    func error(_ path: [String], _ message: String) -> ConfigError {
        let key = path.joined(separator: ".")
        return ConfigError(file: file, line: locator.line(of: path), key: key, message: "\(key): \(message)")
    }

    func integer(_ value: TOMLValue, _ path: [String], in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let number = value.int, range.contains(number) else {
            throw error(path, "expected an integer between \(range.lowerBound) and \(range.upperBound), got \(Self.show(value))")
        }
        return number
    }

    func bool(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> Bool {
        guard let flag = value.bool else { throw error(path, "expected true or false, got \(Self.show(value))") }
        return flag
    }

    func string(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> String {
        guard let text = value.string, !text.isEmpty else {
            throw error(path, "expected a non-empty string, got \(Self.show(value))")
        }
        return text
    }

    /// A duration string or integer seconds, greater than zero.
    func duration(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> Duration {
        let parsed: Duration? = if let seconds = value.int {
            DurationText.seconds(seconds)
        } else if let text = value.string {
            DurationText.parse(text)
        } else {
            nil
        }
        guard let parsed else { throw error(path, "expected \(DurationText.expected), got \(Self.show(value))") }
        guard parsed > .zero else { throw error(path, "expected a duration greater than 0, got \(Self.show(value))") }
        return parsed
    }

    func logLevel(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> Logger.Level {
        guard let text = value.string, let level = Logger.Level(rawValue: text) else {
            throw error(path, "expected one of \(Self.logLevels), got \(Self.show(value))")
        }
        return level
    }

    /// A string or an array of strings, each an address ("ADDR:PORT", "[V6]:PORT", port 53 when left out).
    func addresses(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> [SocketAddressText] {
        var texts: [String] = []
        if let single = value.string {
            texts = [single]
        } else if let array = value.array {
            for element in array {
                guard let text = element.string else {
                    throw error(path, "expected an array of address strings, got the element \(Self.show(element.tomlValue))")
                }
                texts.append(text)
            }
        } else {
            throw error(path, "expected an array of address strings such as [\"127.0.0.1:53\", \"[::1]:53\"], got \(Self.show(value))")
        }
        var result: [SocketAddressText] = []
        for text in texts {
            let address: SocketAddressText
            do {
                address = try SocketAddressText(parsing: text)
            } catch {
                throw self.error(path, "\"\(text)\": \(error.message)")
            }
            guard !result.contains(address) else { throw self.error(path, "\"\(text)\" is listed twice") }
            result.append(address)
        }
        return result
    }

    /// "trace, debug, info, notice, warning, error, critical".
    static let logLevels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    /// The value as the user wrote it, more or less: strings quoted, tables and arrays named.
    static func show(_ value: TOMLValue) -> String {
        switch value.type {
        case .string: return "\"\(value.string ?? "")\""
        case .int: return value.int.map(String.init) ?? "an integer"
        case .double: return value.double.map { "\($0)" } ?? "a number"
        case .bool: return value.bool.map { "\($0)" } ?? "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        case .date, .time, .dateTime: return "a \(value.type)"
        }
    }
}
