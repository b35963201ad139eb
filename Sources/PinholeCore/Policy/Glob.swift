/// A shell-like pattern for unit names, executable paths and cgroup paths.
///
/// `*` matches any run of characters, **including `/`** (so
/// `/usr/lib/firefox/*` covers every file below that directory and
/// `/user.slice/*` every cgroup below it); `?` matches exactly one byte;
/// `\` makes the next character literal. Character classes (`[abc]`) are
/// not supported and rejected, so a pattern never silently means something
/// else than in fnmatch. Matching is over UTF-8 bytes, case-sensitive.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    enum Token: Hashable {
        case literal(UInt8)
        case one
        case star
    }

    /// The pattern as written.
    public let pattern: String
    let tokens: [Token]

    /// Parses `pattern`; throws when it is empty, ends in a lone `\` or uses `[`.
    public init(_ pattern: String) throws(PolicySyntaxError) {
        guard !pattern.isEmpty else { throw PolicySyntaxError("expected a non-empty pattern") }
        var tokens: [Token] = []
        var escaped = false
        for byte in pattern.utf8 {
            if escaped {
                tokens.append(.literal(byte))
                escaped = false
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "?"): tokens.append(.one)
            case UInt8(ascii: "*"):
                if tokens.last != .star { tokens.append(.star) }  // "**" is "*"
            case UInt8(ascii: "["), UInt8(ascii: "]"):
                throw PolicySyntaxError(
                    "\"\(pattern)\": character classes ([...]) are not supported; use ? or *, or \\[ for a literal bracket")
            default: tokens.append(.literal(byte))
            }
        }
        if escaped { throw PolicySyntaxError("\"\(pattern)\": ends in a lone \\") }
        self.pattern = pattern
        self.tokens = tokens
        isLiteral = !tokens.contains { $0 == .one || $0 == .star }
        literalCount = tokens.reduce(0) { if case .literal = $1 { $0 + 1 } else { $0 } }
    }

    public var description: String { pattern }

    /// True when the pattern has no wildcard: it matches one string only.
    public let isLiteral: Bool

    /// Number of literal characters (bytes): the more, the narrower the pattern.
    public let literalCount: Int

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        // Native strings are contiguous UTF-8: no copy on the per-query path.
        if let result = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        var copy = text
        return copy.withUTF8 { matches(bytes: $0) }
    }

    private func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Greedy with one backtrack point (the last star): linear for typical patterns.
        var p = 0
        var t = 0
        var starAt = -1
        var starText = 0
        while t < bytes.count {
            if p < tokens.count {
                switch tokens[p] {
                case .star:
                    starAt = p
                    starText = t
                    p += 1
                    continue
                case .one:
                    p += 1
                    t += 1
                    continue
                case .literal(let byte) where byte == bytes[t]:
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            guard starAt >= 0 else { return false }
            p = starAt + 1
            starText += 1
            t = starText
        }
        while p < tokens.count, tokens[p] == .star { p += 1 }
        return p == tokens.count
    }

    /// Whether some string matches both this pattern and `other` (used to
    /// find profiles that can match the same app).
    public func overlaps(_ other: Glob) -> Bool {
        let a = tokens
        let b = other.tokens
        // memo[i][j]: 0 unknown, 1 yes, 2 no — can a[i...] and b[j...] match a common string?
        var memo = [[UInt8]](repeating: [UInt8](repeating: 0, count: b.count + 1), count: a.count + 1)
        func common(_ i: Int, _ j: Int) -> Bool {
            if memo[i][j] != 0 { return memo[i][j] == 1 }
            let result: Bool
            if i == a.count && j == b.count {
                result = true
            } else if i < a.count, a[i] == .star {
                // The star produces nothing, or swallows what b's next token produces.
                result = common(i + 1, j) || (j < b.count && common(i, j + 1))
            } else if j < b.count, b[j] == .star {
                result = common(i, j + 1) || (i < a.count && common(i + 1, j))
            } else if i == a.count || j == b.count {
                result = false
            } else {
                switch (a[i], b[j]) {
                case (.literal(let x), .literal(let y)): result = x == y && common(i + 1, j + 1)
                default: result = common(i + 1, j + 1)
                }
            }
            memo[i][j] = result ? 1 : 2
            return result
        }
        return common(0, 0)
    }
}
