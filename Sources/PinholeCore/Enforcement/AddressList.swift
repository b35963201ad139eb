/// A list of address ranges read from text, one per line: "9.9.9.9",
/// "2620:fe::fe", "94.140.14.0/24". `#` starts a comment (a whole line or
/// the rest of one); blank lines are skipped. A line that is not an address
/// range is rejected with its number and why, and never stops the rest.
///
/// pinhole ships one such list, Blocklists/doh-addresses.cidr (the public
/// DoH/DoT resolvers' addresses), loaded into the nftables interval sets
/// `doh4` / `doh6`.
public struct AddressList: Sendable, Equatable {
    /// A line that is not an address range.
    public struct RejectedLine: Sendable, Equatable, CustomStringConvertible {
        /// 1-based line number.
        public let line: Int
        public let text: String
        public let reason: String

        public var description: String { "line \(line): \(reason)" }
    }

    /// Every range, in file order, duplicates included.
    public let blocks: [CIDRBlock]
    public let rejected: [RejectedLine]

    /// Reads `text` (the contents of a list file).
    public init(parsing text: String) {
        var blocks: [CIDRBlock] = []
        var rejected: [RejectedLine] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let entry = content.trimmingWhitespace
            guard !entry.isEmpty else { continue }
            do {
                blocks.append(try CIDRBlock(parsing: String(entry)))
            } catch {
                rejected.append(RejectedLine(line: index + 1, text: String(entry), reason: error.message))
            }
        }
        self.blocks = blocks
        self.rejected = rejected
    }

    /// The IPv4 ranges with every range that another one covers left out
    /// (an nftables interval set refuses overlapping elements), sorted.
    public var coalescedV4: [CIDRBlock] { Self.coalesce(blocks.filter(\.isV4Range)) }

    /// The IPv6 ranges, coalesced like `coalescedV4`.
    public var coalescedV6: [CIDRBlock] { Self.coalesce(blocks.filter { !$0.isV4Range }) }

    /// `blocks` (one family) without those inside another, widest first
    /// then by address. Two CIDR ranges either nest or do not meet, so
    /// what is left never overlaps.
    static func coalesce(_ blocks: [CIDRBlock]) -> [CIDRBlock] {
        let ordered = blocks.sorted {
            ($0.prefixLength, $0.network.sortKey.0, $0.network.sortKey.1) < ($1.prefixLength, $1.network.sortKey.0, $1.network.sortKey.1)
        }
        var kept: [CIDRBlock] = []
        for block in ordered where !kept.contains(where: { $0.covers(block) }) {
            kept.append(block)
        }
        return kept
    }
}

extension CIDRBlock {
    /// Whether this is an IPv4 range.
    fileprivate var isV4Range: Bool {
        if case .v4 = network { true } else { false }
    }

    /// Whether every address of `other` is in this range.
    fileprivate func covers(_ other: CIDRBlock) -> Bool {
        prefixLength <= other.prefixLength && contains(other.network)
    }
}

extension IPAddress {
    /// Orders addresses numerically within a family.
    fileprivate var sortKey: (UInt64, UInt64) {
        switch self {
        case .v4(let value): (0, UInt64(value))
        case .v6(let high, let low): (high, low)
        }
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
