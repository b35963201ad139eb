import PinholeCore

/// Answer addresses as one blob: a count byte of IPv4 addresses, their 4
/// bytes each, then 16 bytes per IPv6 address. No addresses → no blob (NULL).
enum AddressBlob {
    static func encode(_ addresses: [IPAddress]) -> [UInt8]? {
        var blob: [UInt8] = []
        encode(addresses, into: &blob)
        return blob.isEmpty ? nil : blob
    }

    /// Replaces `blob` with the encoding (empty for no addresses); reusing
    /// one buffer saves the writer two arrays per row.
    static func encode(_ addresses: [IPAddress], into blob: inout [UInt8]) {
        blob.removeAll(keepingCapacity: true)
        guard !addresses.isEmpty else { return }
        blob.append(0)
        var v4Count: UInt8 = 0
        for case .v4(let value) in addresses {
            // More than 255 IPv4 addresses in one answer does not happen in practice; the rest are dropped.
            guard v4Count < 255 else { break }
            v4Count += 1
            append(value, bytes: 4, to: &blob)
        }
        blob[0] = v4Count
        for case .v6(let high, let low) in addresses {
            append(high, bytes: 8, to: &blob)
            append(low, bytes: 8, to: &blob)
        }
    }

    /// The low `bytes` bytes of `value`, most significant first.
    private static func append<T: FixedWidthInteger>(_ value: T, bytes: Int, to blob: inout [UInt8]) {
        for index in stride(from: bytes - 1, through: 0, by: -1) {
            blob.append(UInt8(truncatingIfNeeded: value >> (8 * index)))
        }
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
