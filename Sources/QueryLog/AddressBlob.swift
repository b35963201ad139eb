import PinholeCore

/// Answer addresses as one blob: a count byte of IPv4 addresses, their 4
/// bytes each, then 16 bytes per IPv6 address. No addresses → no blob (NULL).
enum AddressBlob {
    static func encode(_ addresses: [IPAddress]) -> [UInt8]? {
        guard !addresses.isEmpty else { return nil }
        var v4: [UInt8] = []
        var v6: [UInt8] = []
        var v4Count = 0
        for address in addresses {
            switch address {
            case .v4:
                // More than 255 IPv4 addresses in one answer does not happen in practice; the rest are dropped.
                guard v4Count < 255 else { continue }
                v4Count += 1
                v4 += address.bytes
            case .v6: v6 += address.bytes
            }
        }
        return [UInt8(v4Count)] + v4 + v6
    }

    static func decode(_ blob: [UInt8]?) -> [IPAddress] {
        guard let blob, let count = blob.first else { return [] }
        var addresses: [IPAddress] = []
        var position = 1
        for _ in 0..<Int(count) where position + 4 <= blob.count {
            let value = blob[position..<position + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            addresses.append(.v4(value))
            position += 4
        }
        while position + 16 <= blob.count {
            addresses.append(IPAddress(ipv6Bytes: Array(blob[position..<position + 16])))
            position += 16
        }
        return addresses
    }
}
