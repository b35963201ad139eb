/// Validates and lowercases a domain name in place, in a list line's bytes,
/// by the same rules as `PolicyName` (so a list entry and a query name meet
/// in one form), without making a String per line.
enum DomainNameBytes {
    /// Why a name in a list line is not a valid name.
    enum Problem: Error, Equatable {
        case empty
        case notPunycode
        case emptyLabel
        case labelTooLong
        case nameTooLong
        case invalidCharacter(UInt8)

        var reason: String {
            switch self {
            case .empty: return "empty name"
            case .notPunycode: return "not punycode (IDN must be written as xn--…)"
            case .emptyLabel: return "empty label"
            case .labelTooLong: return "label longer than 63 characters"
            case .nameTooLong: return "name longer than 253 characters"
            case .invalidCharacter(let byte):
                let shown = (0x21...0x7e).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
                return "invalid character \(shown) in name"
            }
        }
    }

    /// Lowercases `bytes[range]` in place and returns the range of the
    /// normalized name (a trailing dot dropped), or the problem.
    static func normalize(
        _ bytes: UnsafeMutableBufferPointer<UInt8>, _ range: Range<Int>
    ) -> Result<Range<Int>, Problem> {
        var end = range.upperBound
        if end > range.lowerBound, bytes[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard end > range.lowerBound else { return .failure(range.isEmpty ? .empty : .emptyLabel) }
        var labelLength = 0
        var problem: Problem?
        for index in range.lowerBound..<end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                labelLength += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                bytes[index] = byte | 0x20
                labelLength += 1
            case UInt8(ascii: "."):
                if labelLength == 0 { return .failure(.emptyLabel) }
                labelLength = 0
            case 0x80...:
                return .failure(.notPunycode)
            default:
                // Keep looking: a non-ASCII byte later explains the line better.
                if problem == nil { problem = .invalidCharacter(byte) }
                labelLength += 1
            }
            if labelLength > 63, problem == nil { problem = .labelTooLong }
        }
        if let problem { return .failure(problem) }
        if labelLength == 0 { return .failure(.emptyLabel) }
        if end - range.lowerBound > 253 { return .failure(.nameTooLong) }
        return .success(range.lowerBound..<end)
    }
}
