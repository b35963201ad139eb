import DNSWire

/// The checked parameters of the io.systemd.Resolve calls; each bad one is
/// an `InvalidParameter` naming it, as systemd-resolved answers.
enum ResolveParameters {
    static let afInet: Int64 = 2
    static let afInet6: Int64 = 10

    struct Hostname: Equatable {
        /// The name in A-label form (see `IDNAName`).
        var name: String
        /// 0 (both), 2 or 10.
        var family: Int64
        /// 0, or the interface the caller scopes the lookup to.
        var ifindex: Int32 = 0
        /// The caller's `SD_RESOLVED_*` flags (0 when absent).
        var flags: Int64 = 0
    }

    struct Address: Equatable {
        var address: [UInt8]
    }

    struct Record: Equatable {
        var name: String
        var rrclass: UInt16
        var type: UInt16
    }

    /// ResolveHostname's: a UTF-8 name becomes its A-label form first, as
    /// systemd-resolved converts it (a name libidn2 rejects is an invalid `name`).
    static func hostname(_ p: [String: JSONValue]) throws(VarlinkError) -> Hostname {
        let (ifindex, flags) = try common(p)
        guard case .string(let given)? = p["name"] else { throw .invalidParameter("name", because: "missing or not a string") }
        let name: String
        do {
            name = try IDNAName.ascii(given)
        } catch {
            throw .invalidParameter("name", because: error.description)
        }
        try checkName(name)
        let family = try optionalInteger(p, "family") ?? 0
        guard [0, afInet, afInet6].contains(family) else { throw .invalidParameter("family", because: "family \(family) is not 2 (AF_INET) or 10 (AF_INET6)") }
        return Hostname(name: name, family: family, ifindex: ifindex, flags: flags)
    }

    static func address(_ p: [String: JSONValue]) throws(VarlinkError) -> Address {
        try common(p)
        guard let family = try optionalInteger(p, "family") else { throw .invalidParameter("family", because: "missing") }
        guard family == afInet || family == afInet6 else {
            throw .invalidParameter("family", because: "family \(family) is not 2 (AF_INET) or 10 (AF_INET6)")
        }
        guard case .array(let items)? = p["address"] else { throw .invalidParameter("address", because: "missing or not an array") }
        var bytes: [UInt8] = []
        for item in items {
            guard case .integer(let value) = item, (0...255).contains(value) else {
                throw .invalidParameter("address", because: "an element is not an integer 0…255")
            }
            bytes.append(UInt8(value))
        }
        guard bytes.count == (family == afInet ? 4 : 16) else {
            throw .invalidParameter("address", because: "\(bytes.count) bytes for family \(family)")
        }
        return Address(address: bytes)
    }

    static func record(_ p: [String: JSONValue]) throws(VarlinkError) -> Record {
        try common(p)
        let name = try hostName(p)
        let rrclass = try optionalInteger(p, "class") ?? 1
        guard (1...0xFFFF).contains(rrclass) else { throw .invalidParameter("class", because: "class \(rrclass) out of range") }
        guard let type = try optionalInteger(p, "type") else { throw .invalidParameter("type", because: "missing") }
        guard (1...0xFFFF).contains(type) else { throw .invalidParameter("type", because: "type \(type) out of range") }
        // OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA are not questions one resolves.
        if [41, 249, 250, 251, 252, 253, 254].contains(type) {
            var error = VarlinkError.typeInvalidForQuery
            error.detail = "type \(type) cannot be asked for"
            throw error
        }
        return Record(name: name, rrclass: UInt16(rrclass), type: UInt16(type))
    }

    /// `ifindex` and `flags` (0 when absent). The caller (`VarlinkResolver`)
    /// checks that a non-zero `ifindex` names an interface; pinholed has one
    /// set of upstreams, so the lookup is not scoped further.
    @discardableResult
    static func common(_ p: [String: JSONValue]) throws(VarlinkError) -> (ifindex: Int32, flags: Int64) {
        let ifindex = try optionalInteger(p, "ifindex") ?? 0
        guard ifindex >= 0 && ifindex <= Int64(Int32.max) else {
            throw .invalidParameter("ifindex", because: "ifindex \(ifindex) out of range")
        }
        let flags = try optionalInteger(p, "flags") ?? 0
        guard flags >= 0 else { throw .invalidParameter("flags", because: "negative flags") }
        return (Int32(ifindex), flags)
    }

    /// `name`: a domain name DNS can carry (labels ≤ 63 bytes, ≤ 255 in all).
    private static func hostName(_ p: [String: JSONValue]) throws(VarlinkError) -> String {
        guard case .string(let name)? = p["name"] else { throw .invalidParameter("name", because: "missing or not a string") }
        try checkName(name)
        return name
    }

    private static func checkName(_ name: String) throws(VarlinkError) {
        guard !name.isEmpty, (try? DNSName.wire(fromText: name)) != nil else {
            throw .invalidParameter("name", because: "\"\(name.prefix(100))\" is not a valid domain name")
        }
    }

    private static func optionalInteger(_ p: [String: JSONValue], _ key: String) throws(VarlinkError) -> Int64? {
        switch p[key] {
        case nil, .null?: return nil
        case .integer(let value)?: return value
        default: throw .invalidParameter(key, because: "\(key) is not an integer")
        }
    }
}
