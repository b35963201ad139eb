/// Reads a list file's bytes in one of the `ListFormat`s. Never fails: bad
/// lines are rejected with their line number and reason, rules pinhole does
/// not implement are ignored and counted.
public struct ListParser: Sendable {
    public var format: ListFormat
    /// What a bare name means in formats that allow one (hosts, plain,
    /// wildcard, adblock without `||`/`|`): the name alone or its subtree.
    public var plainLines: DomainMatch
    /// Names hosts files map to the machine itself; skipped, not blocked.
    public var localNames: Set<String>
    /// Rejected lines kept with their reason (all are counted).
    public var maxRejectedKept: Int

    /// The names Debian's /etc/hosts and the usual hosts blocklists carry
    /// for the machine itself (`ip6-*` is skipped too).
    public static let standardLocalNames: Set<String> = [
        "localhost", "localhost.localdomain", "local", "broadcasthost", "0.0.0.0",
    ]

    public init(
        format: ListFormat, plainLines: DomainMatch = .subtree,
        localNames: Set<String> = ListParser.standardLocalNames, maxRejectedKept: Int = 1000
    ) {
        self.format = format
        self.plainLines = plainLines
        self.localNames = localNames
        self.maxRejectedKept = maxRejectedKept
    }

    /// Parses a whole file. `file` only labels the result (for rule sources).
    /// The bytes are lowercased in place: pass the last use of an array to
    /// spare a copy of it.
    public func parse(_ bytes: consuming [UInt8], file: String) -> ParsedList {
        let localKeys = Set(localNames.compactMap { PolicyName($0).map { DomainHash.key(of: $0.text) } })
        var builder = ParsedListBuilder(
            file: file, format: format, maxRejectedKept: maxRejectedKept, localKeys: localKeys)
        bytes.withUnsafeMutableBufferPointer { buffer in
            reserve(&builder, for: UnsafeBufferPointer(buffer))
            var start = Self.hasByteOrderMark(buffer) ? 3 : 0
            var number = 0
            while start < buffer.count {
                number += 1
                var end = start
                while end < buffer.count, buffer[end] != UInt8(ascii: "\n") { end += 1 }
                let next = end + 1
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                parseLine(ListLine(bytes: buffer, range: start..<end, number: number), into: &builder)
                start = next
            }
            builder.list.lineCount = number
        }
        return builder.list
    }

    private func parseLine(_ line: ListLine, into builder: inout ParsedListBuilder) {
        switch format {
        case .hosts: HostsFormat.parse(line, plainLines: plainLines, into: &builder)
        case .plain: PlainFormat.parse(line, plainLines: plainLines, into: &builder)
        case .wildcard: WildcardFormat.parse(line, plainLines: plainLines, into: &builder)
        case .dnsmasq: DnsmasqFormat.parse(line, into: &builder)
        case .adblock: AdblockFormat.parse(line, plainLines: plainLines, into: &builder)
        }
    }

    /// Sizes the arrays once from the line count (one entry a line is the usual case).
    private func reserve(_ builder: inout ParsedListBuilder, for buffer: UnsafeBufferPointer<UInt8>) {
        var lines = 1
        for byte in buffer where byte == UInt8(ascii: "\n") { lines += 1 }
        builder.list.records.reserveCapacity(lines)
        builder.list.nameBytes.reserveCapacity(buffer.count)
    }

    private static func hasByteOrderMark(_ buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        buffer.count >= 3 && buffer[0] == 0xef && buffer[1] == 0xbb && buffer[2] == 0xbf
    }
}
