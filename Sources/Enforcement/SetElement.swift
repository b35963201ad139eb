import PinholeCore

/// One element of a set of `inet pinhole`, as the kernel keys it: a
/// numeric cgroup id, then (for `pin4`/`pin6`) an address. `governed`
/// elements have no address and no timeout.
public struct SetElement: Hashable, Sendable {
    /// The cgroup v2 id (the inode number of the cgroup's directory).
    public var cgroup: UInt64
    /// The destination, for `pin4` (v4) and `pin6` (v6); nil for `governed`.
    public var address: IPAddress?
    /// Seconds until the kernel drops the element; 0: no timeout.
    public var timeoutSeconds: UInt32

    public init(cgroup: UInt64, address: IPAddress? = nil, timeoutSeconds: UInt32 = 0) {
        self.cgroup = cgroup
        self.address = address
        self.timeoutSeconds = timeoutSeconds
    }

    /// The set this element belongs in.
    public var setName: String {
        switch address {
        case .none: "governed"
        case .v4: "pin4"
        case .v6: "pin6"
        }
    }

    /// Writes the key as nftables lays out a concatenation: each field
    /// padded to 4 bytes; `cgroupsv2` is a u64 in host order, addresses are
    /// in network order. Returns the key length (8, 12 or 24).
    func writeKey(into key: UnsafeMutableRawBufferPointer) -> Int {
        key.storeBytes(of: cgroup, toByteOffset: 0, as: UInt64.self)
        switch address {
        case .none:
            return 8
        case .v4(let value):
            key.storeBytes(of: value.bigEndian, toByteOffset: 8, as: UInt32.self)
            return 12
        case .v6(let high, let low):
            key.storeBytes(of: high.bigEndian, toByteOffset: 8, as: UInt64.self)
            key.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt64.self)
            return 24
        }
    }
}
