import TOMLKit

extension ConfigValueReader {
    /// `[log] target`: "auto", "journal" or "stderr".
    func logTarget(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> LogTarget {
        guard let text = value.string, let target = LogTarget(rawValue: text) else {
            let names = LogTarget.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw error(path, "expected one of \(names), got \(Self.show(value))")
        }
        return target
    }
}
