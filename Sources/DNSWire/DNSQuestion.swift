/// The question of a DNS message: name, type and class.
///
/// `name` is the owner name in uncompressed wire form, lowercased (ASCII), so
/// two questions that differ only in case compare equal; `text` renders it.
public struct DNSQuestion: Hashable, Sendable {
    /// Uncompressed wire form, ASCII-lowercased, ending in the root label (0).
    public var name: [UInt8]
    public var type: UInt16
    public var qclass: UInt16

    public init(name: [UInt8], type: UInt16, qclass: UInt16) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }
}
