/// One list file, parsed: its entries, the lines it rejected and the rules
/// it ignored (unknown adblock modifiers, cosmetic and URL rules, local names).
public struct ParsedList: Sendable {
    /// The file the bytes came from, as given to the parser (for sources).
    public let file: String
    public let format: ListFormat
    /// Lines in the file.
    public internal(set) var lineCount = 0
    /// Rejected lines, the first `ListParser.maxRejectedKept` of them.
    public internal(set) var rejected: [RejectedLine] = []
    /// All rejected lines, including those not kept.
    public internal(set) var rejectedCount = 0
    /// Rules skipped on purpose, by kind ("$third-party", "cosmetic",
    /// "url rule", "local name"); never errors.
    public internal(set) var ignored: [String: Int] = [:]

    var records: [ListRecord] = []
    var nameBytes: [UInt8] = []
    var typeFilters: [DNSTypeFilter] = []

    init(file: String, format: ListFormat) {
        self.file = file
        self.format = format
    }

    /// Entries read.
    public var entryCount: Int { records.count }

    /// Lines ignored, all kinds together.
    public var ignoredCount: Int { ignored.values.reduce(0, +) }

    /// The entries as values (makes a String per entry: for tests, `pinhole
    /// lists` and explanations, not for the daemon's matcher).
    public var entries: [ListEntry] { records.indices.map(entry(at:)) }

    /// The entry at `index` (0..<entryCount).
    public func entry(at index: Int) -> ListEntry {
        let record = records[index]
        let start = Int(record.nameStart)
        let text = String(decoding: nameBytes[start..<start + Int(record.nameLength)], as: UTF8.self)
        guard let name = PolicyName(text) else {
            preconditionFailure("list parser stored a name PolicyName rejects: \(text)")
        }
        return ListEntry(
            name: name, match: record.flags.match, isException: record.flags.isException,
            isImportant: record.flags.isImportant,
            dnsTypes: record.typeFilter == 0 ? nil : typeFilters[Int(record.typeFilter) - 1],
            line: Int(record.line))
    }
}
