import Foundation

/// Runs the real `dig` (or `kdig`) against a server and reads its output.
public struct Dig {
    /// What dig printed, parsed.
    public struct Result: CustomStringConvertible {
        public var output: String
        public var exitCode: Int32
        /// "NOERROR", "SERVFAIL", …; nil when no reply was received.
        public var status: String?
        /// Header flags ("qr", "rd", "ra", "tc", "ad", "cd", "aa").
        public var flags: Set<String>
        /// Answer section lines split into fields: name, ttl, class, type, data….
        public var answers: [[String]]
        /// The EDNS line's "flags: do" and udp size when present.
        public var ednsFlags: Set<String>
        public var ednsUDPSize: Int?

        public var description: String { output }

        /// TTLs of the answer records.
        public var ttls: [Int] { answers.compactMap { Int($0[1]) } }
        /// The data fields (after name, ttl, class, type), joined by spaces.
        public var answerData: [String] { answers.map { $0.dropFirst(4).joined(separator: " ") } }
    }

    public let tool: String

    /// dig, else kdig; nil when neither is installed.
    public static func find() -> Dig? {
        for name in ["dig", "kdig"] {
            if let path = TestEnvironment.which(name) { return Dig(tool: path) }
        }
        return nil
    }

    public init(tool: String) {
        self.tool = tool
    }

    /// `dig @server -p port name type +options…` with one try and a 3 s timeout.
    public func query(_ name: String, _ type: String = "A", server: String, port: UInt16, options: [String] = []) throws -> Result {
        let (status, output) = try CommandRunner.run(
            URL(fileURLWithPath: tool), ["@\(server)", "-p", "\(port)", name, type, "+tries=1", "+time=3"] + options)
        return Dig.parse(output, exitCode: status)
    }

    static func parse(_ output: String, exitCode: Int32) -> Result {
        var result = Result(output: output, exitCode: exitCode, status: nil, flags: [], answers: [], ednsFlags: [], ednsUDPSize: nil)
        var section = ""
        for raw in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.contains("status:"), let range = line.range(of: "status: ") {
                result.status = String(line[range.upperBound...].prefix { $0.isLetter })
            }
            if line.hasPrefix(";; flags:"), let colon = line.range(of: "flags:") {
                let rest = line[colon.upperBound...].prefix { $0 != ";" }
                result.flags = Set(rest.split(separator: " ").map(String.init))
            }
            if line.hasPrefix("; EDNS:") || line.hasPrefix(";; EDNS PSEUDOSECTION") || line.contains("EDNS: version") {
                if let flagsRange = line.range(of: "flags:") {
                    let rest = line[flagsRange.upperBound...].prefix { $0 != ";" }
                    result.ednsFlags = Set(rest.split(separator: " ").map(String.init))
                }
                if let udpRange = line.range(of: "udp: ") {
                    result.ednsUDPSize = Int(line[udpRange.upperBound...].prefix { $0.isNumber })
                }
            }
            if line.hasPrefix(";; ") && line.hasSuffix("SECTION:") {
                section = line
                continue
            }
            if line.isEmpty { section = ""; continue }
            if section.contains("ANSWER"), !line.hasPrefix(";") {
                result.answers.append(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
            }
        }
        return result
    }
}
