import PinholeCore

/// One element of a set of `inet pinhole`, as the kernel keys it: a
/// numeric cgroup id, then what the set concatenates to it:
///
/// - `governed`, `restricted`: nothing (no address, no timeout);
/// - `pin4` / `pin6`: an address, with a timeout;
/// - `ifaces`, `owners`: an interface name (`ifname`);
/// - `static4` / `static6`: an address range, `address` … `rangeEnd`
///   (interval sets of concatenations: the kernel's pipapo takes the range
///   as the key and NFTA_SET_ELEM_KEY_END).
public struct SetElement: Hashable, Sendable {
    /// The sets of `inet pinhole` keyed by cgroup (raw value: the set's name).
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case governed, pin4, pin6, restricted, ifaces, owners, static4, static6
    }

    /// The cgroup v2 id (the inode number of the cgroup's directory).
    public var cgroup: UInt64
    /// The destination (`pin4`/`pin6`), or a range's first address (`static4`/`static6`).
    public var address: IPAddress?
    /// Seconds until the kernel drops the element; 0: no timeout.
    public var timeoutSeconds: UInt32
    /// The set this element belongs in.
    public let kind: Kind
    /// The interface name of `ifaces` / `owners` elements.
    public var interface: String?
    /// A range's last address (`static4` / `static6`).
    public var rangeEnd: IPAddress?

    /// A `governed` element (no address), or a pin in `pin4`/`pin6`.
    public init(cgroup: UInt64, address: IPAddress? = nil, timeoutSeconds: UInt32 = 0) {
        self.cgroup = cgroup
        self.address = address
        self.timeoutSeconds = timeoutSeconds
        switch address {
        case .none: kind = .governed
        case .v4: kind = .pin4
        case .v6: kind = .pin6
        }
    }

    /// A `restricted` element.
    public static func restricted(cgroup: UInt64) -> SetElement {
        SetElement(cgroup: cgroup, kind: .restricted)
    }

    /// An `ifaces` (`owner` false) or `owners` element: `cgroup . interface`.
    public static func interface(_ name: String, cgroup: UInt64, owner: Bool) -> SetElement {
        var element = SetElement(cgroup: cgroup, kind: owner ? .owners : .ifaces)
        element.interface = name
        return element
    }

    /// A `static4` / `static6` element: `cgroup . block` as the range of its addresses.
    public static func range(_ block: CIDRBlock, cgroup: UInt64) -> SetElement {
        var element = SetElement(cgroup: cgroup, kind: .static4)
        element.address = block.network
        switch block.network {
        case .v4(let value):
            let host = block.prefixLength >= 32 ? 0 : UInt32.max >> UInt32(block.prefixLength)
            element.rangeEnd = .v4(value | host)
        case .v6(let high, let low):
            element = SetElement(cgroup: cgroup, kind: .static6)
            element.address = block.network
            func host(_ bits: Int) -> UInt64 { bits <= 0 ? .max : bits >= 64 ? 0 : UInt64.max >> UInt64(bits) }
            element.rangeEnd = .v6(high | host(block.prefixLength), low | host(block.prefixLength - 64))
        }
        return element
    }

    /// The element a key of `kind` read back from the kernel stands for
    /// (`NetlinkSetWriter.keys`); nil for a key of another length, and for
    /// the interval sets (their ranges need the end key too).
    public init?(kind: Kind, key: [UInt8]) {
        self.init(kind: kind, key: key, keyEnd: nil)
    }

    /// The element a key (and, in `static4`/`static6`, end key) of `kind`
    /// read back from the kernel stands for (`NetlinkSetWriter.elements`);
    /// nil for keys of another length or a range without its end.
    public init?(kind: Kind, key: [UInt8], keyEnd: [UInt8]?) {
        guard key.count >= 8 else { return nil }
        let cgroup = key.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        func big<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            T(bigEndian: key.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
        }
        switch kind {
        case .governed, .restricted:
            guard key.count == 8 else { return nil }
            self.init(cgroup: cgroup, kind: kind)
        case .pin4:
            guard key.count == 12 else { return nil }
            self.init(cgroup: cgroup, address: .v4(big(8, UInt32.self)))
        case .pin6:
            guard key.count == 24 else { return nil }
            self.init(cgroup: cgroup, address: .v6(big(8, UInt64.self), big(16, UInt64.self)))
        case .ifaces, .owners:
            guard key.count == 8 + Self.interfaceNameLength else { return nil }
            self.init(cgroup: cgroup, kind: kind)
            interface = String(decoding: key[8...].prefix { $0 != 0 }, as: UTF8.self)
        case .static4, .static6:
            let width = kind == .static4 ? 4 : 16
            guard key.count == 8 + width, let keyEnd, keyEnd.count == key.count else { return nil }
            func address(_ bytes: [UInt8]) -> IPAddress {
                func big<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
                    T(bigEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
                }
                return width == 4 ? .v4(big(8, UInt32.self)) : .v6(big(8, UInt64.self), big(16, UInt64.self))
            }
            // An interval key holds the cgroup id in network order (`cgroupKey`).
            self.init(cgroup: UInt64(bigEndian: cgroup), kind: kind)
            self.address = address(key)
            self.rangeEnd = address(keyEnd)
        }
    }

    /// The address block of a `static4`/`static6` element (its ranges are
    /// always whole blocks, `range(_:cgroup:)`); nil for other elements and
    /// a range that is not one block.
    public var block: CIDRBlock? {
        let width: Int
        let hostBits: Int
        switch (address, rangeEnd) {
        case (.v4(let first)?, .v4(let last)?):
            (width, hostBits) = (32, (first ^ last).nonzeroBitCount)
        case (.v6(let high, let low)?, .v6(let lastHigh, let lastLow)?):
            (width, hostBits) = (128, (high ^ lastHigh).nonzeroBitCount + (low ^ lastLow).nonzeroBitCount)
        default:
            return nil
        }
        // Parsing refuses set host bits; the end must be the block's last address too.
        guard let address, let block = try? CIDRBlock(parsing: "\(address)/\(width - hostBits)"),
              SetElement.range(block, cgroup: cgroup).rangeEnd == rangeEnd
        else { return nil }
        return block
    }

    private init(cgroup: UInt64, kind: Kind) {
        self.cgroup = cgroup
        self.address = nil
        self.timeoutSeconds = 0
        self.kind = kind
    }

    /// The name of the set this element belongs in.
    public var setName: String { kind.rawValue }

    /// The cgroup id as the key holds it: host order, but big-endian in an
    /// interval set (pipapo compares keys bytewise; nft stores every field
    /// of an interval key in network order and its rules convert the
    /// socket's cgroup id to match).
    private var cgroupKey: UInt64 { rangeEnd == nil ? cgroup : cgroup.bigEndian }

    /// Bytes of an `ifname` key: a NUL-padded string (IFNAMSIZ).
    static let interfaceNameLength = 16

    /// Writes the key as nftables lays out a concatenation: each field
    /// padded to 4 bytes; `cgroupsv2` is a u64 in host order (network order
    /// in the interval sets `static4`/`static6`), addresses are in network
    /// order, `ifname` is 16 bytes NUL-padded. Returns the key
    /// length (8, 12, 24).
    func writeKey(into key: UnsafeMutableRawBufferPointer) -> Int {
        key.storeBytes(of: cgroupKey, toByteOffset: 0, as: UInt64.self)
        if let interface {
            let bytes = Array(interface.utf8.prefix(Self.interfaceNameLength - 1))
            for index in 0..<Self.interfaceNameLength {
                key[8 + index] = index < bytes.count ? bytes[index] : 0
            }
            return 8 + Self.interfaceNameLength
        }
        return 8 + Self.write(address, into: key)
    }

    /// Writes the range end key (`cgroup . rangeEnd`); nil for elements that are not ranges.
    func writeKeyEnd(into key: UnsafeMutableRawBufferPointer) -> Int? {
        guard let rangeEnd else { return nil }
        key.storeBytes(of: cgroupKey, toByteOffset: 0, as: UInt64.self)
        return 8 + Self.write(rangeEnd, into: key)
    }

    private static func write(_ address: IPAddress?, into key: UnsafeMutableRawBufferPointer) -> Int {
        switch address {
        case .none:
            return 0
        case .v4(let value):
            key.storeBytes(of: value.bigEndian, toByteOffset: 8, as: UInt32.self)
            return 4
        case .v6(let high, let low):
            key.storeBytes(of: high.bigEndian, toByteOffset: 8, as: UInt64.self)
            key.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt64.self)
            return 16
        }
    }
}
