/// One line of a list file, as a range of the file's (mutable) bytes, with
/// the few token operations the formats need. No String is made unless a
/// line is rejected.
struct ListLine {
    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// What is left of the line to read.
    var range: Range<Int>
    /// 1-based line number.
    let number: Int

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0b || byte == 0x0c
    }

    /// Cuts the line at the first `byte` (a comment start).
    mutating func cut(at byte: UInt8) {
        if let index = firstIndex(of: byte) { range = range.lowerBound..<index }
    }

    func firstIndex(of byte: UInt8, in part: Range<Int>? = nil) -> Int? {
        for index in part ?? range where bytes[index] == byte { return index }
        return nil
    }

    /// Drops blanks at both ends.
    mutating func trim() {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
        range = start..<end
    }

    /// The next blank-separated token, consumed; nil at the end of the line.
    mutating func nextToken() -> Range<Int>? {
        var start = range.lowerBound
        let end = range.upperBound
        while start < end, Self.isSpace(bytes[start]) { start += 1 }
        guard start < end else {
            range = end..<end
            return nil
        }
        var stop = start
        while stop < end, !Self.isSpace(bytes[stop]) { stop += 1 }
        range = stop..<end
        return start..<stop
    }

    /// Whether `part` starts with the ASCII `prefix`.
    func hasPrefix(_ prefix: StaticString, in part: Range<Int>) -> Bool {
        guard part.count >= prefix.utf8CodeUnitCount else { return false }
        let pointer = prefix.utf8Start
        for offset in 0..<prefix.utf8CodeUnitCount where bytes[part.lowerBound + offset] != pointer[offset] {
            return false
        }
        return true
    }

    /// The text of `part` (for messages and rare paths), cut to 80 characters.
    func text(_ part: Range<Int>) -> String {
        let shown = part.count > 80 ? part.lowerBound..<part.lowerBound + 80 : part
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[shown]), as: UTF8.self)
        return part.count > 80 ? text + "…" : text
    }
}

extension ListLine {
    /// Whether `part` ends with the ASCII `suffix`.
    func hasSuffix(_ suffix: StaticString, in part: Range<Int>) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard part.count >= count else { return false }
        return hasPrefix(suffix, in: part.upperBound - count..<part.upperBound)
    }
}
