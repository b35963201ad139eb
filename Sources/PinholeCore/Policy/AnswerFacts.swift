import DNSWire

/// What policy (and later pinning) needs from an answer, read once per
/// upstream reply and kept with the cache entry, so a cache hit does not
/// parse the reply again: the names the CNAME chain passes through and the
/// addresses it ends in.
public struct AnswerFacts: Sendable, Hashable {
    /// CNAME/DNAME targets in answer order, normalized (a target that is not
    /// a valid host name is kept out; it cannot match a rule anyway).
    public var aliases: [PolicyName]
    /// A and AAAA addresses of the answer section, then the ipv4hint /
    /// ipv6hint addresses of its SVCB and HTTPS records.
    public var addresses: [IPAddress]
    /// The shortest TTL among those addresses' records, as stored.
    public var addressTTL: UInt32?

    public init(aliases: [PolicyName] = [], addresses: [IPAddress] = [], addressTTL: UInt32? = nil) {
        self.aliases = aliases
        self.addresses = addresses
        self.addressTTL = addressTTL
    }

    /// The facts of `response`'s answer section.
    public init(response: DNSResponse) {
        var aliases: [PolicyName] = []
        var addresses: [IPAddress] = []
        var addressTTL: UInt32?
        for record in response.answerRecords() {
            if let target = record.target, let name = PolicyName(wire: target), !aliases.contains(name) {
                aliases.append(name)
            }
            for bytes in (record.address.map { [$0] } ?? []) + record.hints {
                guard let address = IPAddress(bytes: bytes), !addresses.contains(address) else { continue }
                addresses.append(address)
                addressTTL = min(addressTTL ?? record.ttl, record.ttl)
            }
        }
        self.init(aliases: aliases, addresses: addresses, addressTTL: addressTTL)
    }

    /// No aliases, no addresses.
    public static let none = AnswerFacts()
}
