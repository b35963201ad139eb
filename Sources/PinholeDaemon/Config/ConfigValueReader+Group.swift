import TOMLKit

extension ConfigValueReader {
    /// A group: its name, or its numeric gid (as an integer or a string of
    /// digits), kept as text and resolved when the control socket starts.
    func group(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> String {
        if let gid = value.int {
            guard gid >= 0, gid < Int(UInt32.max) else { throw error(path, "expected a gid between 0 and \(UInt32.max - 1), got \(gid)") }
            return String(gid)
        }
        let name = try string(value, path)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw error(path, "expected a group name or numeric gid, got \(Self.show(value))")
        }
        return name
    }
}
