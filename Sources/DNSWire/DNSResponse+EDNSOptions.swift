extension DNSResponse {
    /// EDNS option codes (RFC 6891 registry) pinhole refers to by name.
    public enum EDNSOption {
        public static let cookie: UInt16 = 10
        public static let padding: UInt16 = 12
        public static let extendedError: UInt16 = 15
    }

    /// This reply without the EDNS options other than `keeping`.
    ///
    /// A cached reply is served to other clients than the one that asked:
    /// options that belong to one exchange (a COOKIE echoing that client's
    /// cookie, padding) must not go with it. Only done when the OPT record is
    /// the last record, the usual place, so no other offset moves; otherwise,
    /// or when the options do not parse, the reply is returned unchanged.
    public func removingEDNSOptions(keeping: Set<UInt16> = [EDNSOption.extendedError]) -> DNSResponse {
        guard let range = optionsRange, range.upperBound == wire.count, !range.isEmpty, range.lowerBound >= 2 else {
            return self
        }
        var kept: [UInt8] = []
        var pos = range.lowerBound
        while pos < range.upperBound {
            guard pos + 4 <= range.upperBound else { return self }
            let code = UInt16(wire[pos]) << 8 | UInt16(wire[pos + 1])
            let length = Int(wire[pos + 2]) << 8 | Int(wire[pos + 3])
            let end = pos + 4 + length
            guard end <= range.upperBound else { return self }
            if keeping.contains(code) { kept.append(contentsOf: wire[pos..<end]) }
            pos = end
        }
        if kept.count == range.count { return self }
        var copy = self
        copy.wire.replaceSubrange(range, with: kept)
        // RDLENGTH sits right before the data.
        copy.wire[range.lowerBound - 2] = UInt8(kept.count >> 8)
        copy.wire[range.lowerBound - 1] = UInt8(kept.count & 0xFF)
        copy.optionsRange = range.lowerBound..<(range.lowerBound + kept.count)
        return copy
    }
}
