/// What a message's OPT pseudo-record (RFC 6891) says.
public struct EDNSInfo: Hashable, Sendable {
    /// The requestor's UDP payload size (the OPT record's CLASS field).
    public var udpPayloadSize: UInt16
    /// The DNSSEC OK bit.
    public var dnssecOK: Bool
    /// EDNS version (0 today).
    public var version: UInt8
    /// Upper 8 bits of the extended RCODE.
    public var extendedRcodeHigh: UInt8

    public init(udpPayloadSize: UInt16, dnssecOK: Bool, version: UInt8 = 0, extendedRcodeHigh: UInt8 = 0) {
        self.udpPayloadSize = udpPayloadSize
        self.dnssecOK = dnssecOK
        self.version = version
        self.extendedRcodeHigh = extendedRcodeHigh
    }
}
