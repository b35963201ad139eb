/// Collects a `ParsedList` while a format parser walks the file.
struct ParsedListBuilder {
    var list: ParsedList
    let maxRejectedKept: Int
    /// Keys of names hosts files map to themselves ("localhost", the
    /// host's own name); entries for them are ignored, not blocked.
    let localKeys: Set<UInt64>
    private var filterIndex: [DNSTypeFilter: UInt16] = [:]

    init(file: String, format: ListFormat, maxRejectedKept: Int, localKeys: Set<UInt64>) {
        list = ParsedList(file: file, format: format)
        self.maxRejectedKept = maxRejectedKept
        self.localKeys = localKeys
    }

    mutating func reject(_ line: ListLine, _ reason: String) {
        list.rejectedCount += 1
        if list.rejected.count < maxRejectedKept {
            list.rejected.append(RejectedLine(line: line.number, reason: reason))
        }
    }

    mutating func ignore(_ kind: String) {
        list.ignored[kind, default: 0] += 1
    }

    /// Normalizes the name at `part` and records it; rejects the line when
    /// the name is invalid. With `skipLocal`, localhost-style names are
    /// counted as ignored instead. Returns whether the name was valid.
    @discardableResult
    mutating func add(
        _ line: ListLine, name part: Range<Int>, match: DomainMatch, isException: Bool = false,
        isImportant: Bool = false, dnsTypes: DNSTypeFilter? = nil, skipLocal: Bool = false
    ) -> Bool {
        let normalized: Range<Int>
        switch DomainNameBytes.normalize(line.bytes, part) {
        case .success(let range): normalized = range
        case .failure(let problem):
            reject(line, "\(problem.reason): \(line.text(part))")
            return false
        }
        let name = UnsafeBufferPointer(rebasing: line.bytes[normalized])
        let key = DomainHash.key(of: name)
        if skipLocal, localKeys.contains(key) || Self.isIPv6LocalName(name) {
            ignore("local name")
            return true
        }
        var typeFilter: UInt16 = 0
        if let dnsTypes {
            guard let index = index(of: dnsTypes) else {
                reject(line, "more than 65535 distinct dnstype filters in one list")
                return false
            }
            typeFilter = index
        }
        let start = list.nameBytes.count
        list.nameBytes.append(contentsOf: name)
        list.records.append(
            ListRecord(
                key: key, nameStart: UInt32(start), line: UInt32(clamping: line.number),
                nameLength: UInt8(name.count),
                flags: RuleFlags(match: match, isException: isException, isImportant: isImportant),
                typeFilter: typeFilter))
        return true
    }

    /// `ip6-localhost`, `ip6-allnodes` … from Debian's /etc/hosts.
    private static func isIPv6LocalName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count > 4 && name[0] == UInt8(ascii: "i") && name[1] == UInt8(ascii: "p")
            && name[2] == UInt8(ascii: "6") && name[3] == UInt8(ascii: "-")
            && !name.contains(UInt8(ascii: "."))
    }

    private mutating func index(of filter: DNSTypeFilter) -> UInt16? {
        if let index = filterIndex[filter] { return index }
        guard list.typeFilters.count < Int(UInt16.max) else { return nil }
        list.typeFilters.append(filter)
        let index = UInt16(list.typeFilters.count)
        filterIndex[filter] = index
        return index
    }
}
