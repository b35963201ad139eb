/// A domain name in the one form policy compares names in: lowercase ASCII
/// (IDNs as punycode, `xn--…`), no trailing dot, at most 253 characters,
/// labels of 1…63 characters. Query names, list entries and profile rules
/// are all brought to this form before they meet.
public struct PolicyName: Hashable, Sendable, CustomStringConvertible {
    /// The normalized text ("www.example.com"); "" for the root.
    public let text: String

    /// Normalizes `raw` (any case, optional trailing dot); nil when it is not
    /// a valid host name in this sense (empty label, label over 63, name over
    /// 253, characters other than letters, digits, '-', '_' and '.').
    public init?(_ raw: some StringProtocol) {
        var bytes = Array(raw.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard bytes.count <= 253 else { return nil }
        var labelLength = 0
        for index in bytes.indices {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                bytes[index] = byte + 32
                labelLength += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                labelLength += 1
            case UInt8(ascii: "."):
                guard labelLength > 0 else { return nil }
                labelLength = 0
            default:
                return nil
            }
            guard labelLength <= 63 else { return nil }
        }
        guard labelLength > 0 || bytes.isEmpty else { return nil }
        text = String(decoding: bytes, as: UTF8.self)
    }

    /// From an uncompressed wire name (a question's), in one pass: labels
    /// joined by dots, lowercased, checked like `init(_:)`; nil for the root
    /// or a label with a dot or other bytes no rule can name.
    public init?(wire: [UInt8]) {
        guard wire.count > 1, wire.count <= 255 else { return nil }
        var valid = true
        let text = String(unsafeUninitializedCapacity: wire.count) { out in
            var written = 0
            var position = 0
            while position < wire.count {
                let length = Int(wire[position])
                if length == 0 { break }
                guard length <= 63, position + length < wire.count else {
                    valid = false
                    return 0
                }
                if written > 0 {
                    out[written] = UInt8(ascii: ".")
                    written += 1
                }
                for byte in wire[(position + 1)...(position + length)] {
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): out[written] = byte + 32
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                        out[written] = byte
                    default:
                        valid = false
                        return 0
                    }
                    written += 1
                }
                position += 1 + length
            }
            return written
        }
        guard valid, !text.isEmpty, text.utf8.count <= 253 else { return nil }
        self.text = text
    }

    public var description: String { text }

    /// The name and each parent, longest first ("a.b.c", "b.c", "c").
    public var selfAndParents: [Substring] {
        var result: [Substring] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result.append(rest)
            guard let dot = rest.firstIndex(of: ".") else { break }
            rest = rest[rest.index(after: dot)...]
        }
        return result
    }
}
