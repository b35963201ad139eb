/// The fields of /proc/PID/stat attribution needs.
public struct ProcessStat: Sendable, Hashable {
    /// The kernel's short name (may contain spaces and parentheses).
    public var comm: String
    /// Field 3: R, S, D, Z, …
    public var state: Character
    /// Field 4.
    public var ppid: Int32
    /// Field 22: clock ticks since boot when the process started.
    public var startTime: UInt64

    public init(comm: String, state: Character, ppid: Int32, startTime: UInt64) {
        self.comm = comm
        self.state = state
        self.ppid = ppid
        self.startTime = startTime
    }

    /// Parses the text of /proc/PID/stat; `path` names it in errors.
    ///
    /// comm is whatever the program set (up to 15 bytes, any of them ')' or
    /// ' '), so it ends at the *last* ')', and fields are counted from there.
    public static func parse(_ bytes: [UInt8], path: String) throws(ProcessReadError) -> ProcessStat {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close
        else { throw .malformed(path, "no (comm)") }
        let comm = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        // Fields 3… after ") ".
        let rest = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard rest.count >= 20 else { throw .malformed(path, "\(rest.count + 2) fields, need 22") }
        guard let stateByte = rest[0].first, rest[0].count == 1 else { throw .malformed(path, "bad state field") }
        guard let ppid = Int32(decimal: rest[1]) else { throw .malformed(path, "bad ppid field") }
        guard let start = UInt64(decimal: rest[19]) else { throw .malformed(path, "bad starttime field") }
        return ProcessStat(comm: comm, state: Character(Unicode.Scalar(stateByte)), ppid: ppid, startTime: start)
    }
}

extension FixedWidthInteger {
    /// A non-negative decimal number made only of ASCII digits (a trailing
    /// newline allowed); nil on anything else or overflow.
    init?(decimal bytes: some BidirectionalCollection<UInt8>) {
        var digits = bytes[...]
        if digits.last == UInt8(ascii: "\n") { digits = digits.dropLast() }
        guard !digits.isEmpty else { return nil }
        var value: Self = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Self(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        self = value
    }
}
