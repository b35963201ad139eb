/// Conversions between presentation ("www.example.com.") and wire forms.
public enum DNSName {
    /// Wire form of a presentation name (trailing dot optional, `\.` and
    /// `\DDD` escapes accepted), ASCII-lowercased when `lowercase` is set.
    ///
    /// "" and "." are the root. Any other escaped character stands for itself;
    /// non-ASCII text is taken as its UTF-8 bytes.
    /// - Throws: `DNSNameError` for an empty label, a label over 63 bytes, a
    ///   name over 255 bytes or a bad escape.
    public static func wire(fromText text: String, lowercase: Bool = true) throws(DNSNameError) -> [UInt8] {
        let bytes = Array(text.utf8)
        if bytes.isEmpty || bytes == [UInt8(ascii: ".")] { return [0] }
        var out: [UInt8] = [0] // placeholder for the first label's length
        out.reserveCapacity(bytes.count + 2)
        var labelStart = 0
        var i = 0
        var endedWithDot = false

        func fail(_ reason: String) -> DNSNameError { DNSNameError(name: text, reason: reason) }
        func closeLabel() throws(DNSNameError) {
            let length = out.count - labelStart - 1
            guard length > 0 else { throw fail("empty label") }
            guard length <= 63 else { throw fail("label of \(length) bytes (max 63)") }
            out[labelStart] = UInt8(length)
        }

        while i < bytes.count {
            var b = bytes[i]
            i += 1
            endedWithDot = b == UInt8(ascii: ".")
            if endedWithDot {
                try closeLabel()
                if i == bytes.count { break } // trailing dot
                labelStart = out.count
                out.append(0)
                continue
            }
            if b == UInt8(ascii: "\\") {
                guard i < bytes.count else { throw fail("backslash at the end") }
                if isDigit(bytes[i]) {
                    guard i + 2 < bytes.count, isDigit(bytes[i + 1]), isDigit(bytes[i + 2]) else {
                        throw fail("\\DDD escape needs three digits")
                    }
                    let value = Int(bytes[i] - 48) * 100 + Int(bytes[i + 1] - 48) * 10 + Int(bytes[i + 2] - 48)
                    guard value <= 255 else { throw fail("\\DDD escape \(value) is over 255") }
                    b = UInt8(value)
                    i += 3
                } else {
                    b = bytes[i]
                    i += 1
                }
                // An escaped byte is data: still lowercased, as names compare case-insensitively.
            }
            if lowercase, b >= 0x41, b <= 0x5A { b |= 0x20 }
            out.append(b)
        }
        if !endedWithDot { try closeLabel() }
        out.append(0)
        guard out.count <= 255 else { throw fail("name of \(out.count) bytes in wire form (max 255)") }
        return out
    }

    /// Presentation form of an uncompressed wire name, with a trailing dot;
    /// the root is ".". Bytes outside printable ASCII, dots and backslashes
    /// inside labels are escaped.
    ///
    /// Never traps: rendering stops at a compression pointer, a bad label
    /// length or the end of `wire`.
    public static func text(fromWire wire: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(wire.count + 8)
        var pos = 0
        while pos < wire.count {
            let len = Int(wire[pos])
            guard len != 0, len <= 63 else { break }
            let end = min(pos + 1 + len, wire.count)
            for b in wire[(pos + 1)..<end] {
                switch b {
                case UInt8(ascii: "."), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(b)
                case 0x21...0x7E:
                    out.append(b)
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(48 + b / 100)
                    out.append(48 + (b / 10) % 10)
                    out.append(48 + b % 10)
                }
            }
            out.append(UInt8(ascii: "."))
            pos = end
        }
        if out.isEmpty { return "." }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
