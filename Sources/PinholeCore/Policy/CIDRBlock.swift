/// An address range ("192.0.2.0/24", "2001:db8::/32", or one address) an
/// app may reach without DNS (`allow_cidrs`).
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the range (host bits zero).
    public let network: IPAddress
    /// 0…32 for IPv4, 0…128 for IPv6.
    public let prefixLength: Int

    /// Parses "ADDR/LEN" or a bare address (/32, /128). Host bits must be
    /// zero, so "192.0.2.1/24" is an error rather than a silent /24.
    public init(parsing text: String) throws(PolicySyntaxError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else {
            throw PolicySyntaxError("\"\(text)\": expected an address range such as \"192.0.2.0/24\" or \"2001:db8::/32\"")
        }
        let width = address.bitWidth
        var length = width
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...width).contains(parsed), parts[1].allSatisfy(\.isASCII) else {
                throw PolicySyntaxError("\"\(text)\": prefix length must be an integer between 0 and \(width)")
            }
            length = parsed
        }
        let network = address.masked(to: length)
        guard network == address else {
            throw PolicySyntaxError("\"\(text)\": host bits are set; did you mean \"\(network)/\(length)\"?")
        }
        self.network = network
        self.prefixLength = length
    }

    public var description: String { "\(network)/\(prefixLength)" }

    /// Whether `address` is inside the range (an IPv4 address is never inside an IPv6 range).
    public func contains(_ address: IPAddress) -> Bool {
        address.bitWidth == network.bitWidth && address.masked(to: prefixLength) == network
    }
}

extension IPAddress {
    fileprivate var bitWidth: Int {
        if case .v4 = self { 32 } else { 128 }
    }

    /// The address with all but the first `length` bits cleared.
    fileprivate func masked(to length: Int) -> IPAddress {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        switch self {
        case .v4(let value):
            return .v4(length == 0 ? 0 : value & ~(UInt32.max >> UInt32(length)))
        case .v6(let high, let low):
            return .v6(high & mask(length), low & mask(length - 64))
        }
    }
}
