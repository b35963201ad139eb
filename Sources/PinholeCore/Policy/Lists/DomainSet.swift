/// The entries of many lists compiled for lookup: which rules cover a name
/// and each of its parents.
///
/// Names are kept as 64-bit `DomainHash` keys in an open-addressing table
/// (linear probing, load ≤ 0.7), each slot heading a chain of compact rules
/// (file, line, flags, type filter): about 40 bytes an entry instead of a
/// String and a set node. A lookup hashes every suffix of the query name in
/// one right-to-left pass and probes once per label. See `DomainHash` for
/// the (≈10⁻¹³) chance of a false match by key collision.
///
/// Immutable once built, so one value can be read from every thread; a
/// reload builds a new one.
public struct DomainSet: Sendable {
    /// A list as the set knows it.
    public struct ListInfo: Sendable, Hashable {
        public var name: String
        public var category: String?
    }

    /// One rule: 20 bytes.
    struct Rule {
        var line: UInt32
        /// Next rule on the same name, `Rule.end` when none.
        var next: UInt32
        /// Index in `files`.
        var file: UInt32
        /// Index in `typeFilters` + 1; 0 for every type.
        var typeFilter: UInt32
        var flags: RuleFlags

        static let end = UInt32.max
    }

    /// The lists, in the order given; `DomainSetMatch.list` indexes this.
    public let lists: [ListInfo]
    /// Distinct names stored.
    public private(set) var nameCount = 0

    private let files: [(path: String, list: Int)]
    private var keys: [UInt64]
    private var heads: [UInt32]
    private var rules: [Rule] = []
    private var typeFilters: [DNSTypeFilter] = []
    private let mask: Int

    /// Rules stored (duplicates of a name within one file with the same flags are stored once).
    public var ruleCount: Int { rules.count }

    /// Compiles `lists`; their parsed files can be dropped afterwards.
    public init(lists: [PolicyList]) {
        self.lists = lists.map { ListInfo(name: $0.name, category: $0.category) }
        var files: [(path: String, list: Int)] = []
        for (index, list) in lists.enumerated() {
            for file in list.files { files.append((file.file, index)) }
        }
        self.files = files
        let total = lists.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.entryCount } }
        var capacity = 16
        while capacity * 7 < total * 10 { capacity *= 2 }
        mask = capacity - 1
        keys = [UInt64](repeating: 0, count: capacity)
        heads = [UInt32](repeating: Rule.end, count: capacity)
        rules.reserveCapacity(total)

        var fileIndex: UInt32 = 0
        var filterIndex: [DNSTypeFilter: UInt32] = [:]
        for list in lists {
            for file in list.files {
                // This file's type filters, renumbered into the set's table.
                let filters = file.typeFilters.map { filter in
                    if let index = filterIndex[filter] { return index }
                    typeFilters.append(filter)
                    filterIndex[filter] = UInt32(typeFilters.count)
                    return UInt32(typeFilters.count)
                }
                for record in file.records {
                    let filter = record.typeFilter == 0 ? 0 : filters[Int(record.typeFilter) - 1]
                    insert(key: record.key, rule: Rule(
                        line: record.line, next: Rule.end, file: fileIndex, typeFilter: filter, flags: record.flags))
                }
                fileIndex += 1
            }
        }
    }

    private mutating func insert(key: UInt64, rule: Rule) {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = keys[slot]
            if stored == 0 {
                keys[slot] = key
                nameCount += 1
                break
            }
            if stored == key { break }
            slot = (slot + 1) & mask
        }
        var index = heads[slot]
        while index != Rule.end {
            let other = rules[Int(index)]
            if other.file == rule.file && other.flags == rule.flags && other.typeFilter == rule.typeFilter {
                return  // the same rule again in the same file: keep the first line
            }
            index = other.next
        }
        var rule = rule
        rule.next = heads[slot]
        heads[slot] = UInt32(rules.count)
        rules.append(rule)
    }

    /// Every rule that covers `name` queried with `type`: rules on the name
    /// itself (exact, subtree) and on each parent (subtree, subdomains),
    /// most specific name first; rules whose `$dnstype` excludes `type` are left out.
    public func match(name: PolicyName, type: UInt16) -> [DomainSetMatch] {
        var found: [DomainSetMatch] = []
        forEachMatch(name: name, type: type) { found.append($0) }
        return found
    }

    /// Whether any rule covers `name` for `type` (no allocation).
    public func containsMatch(name: PolicyName, type: UInt16) -> Bool {
        var any = false
        forEachRule(name: name, type: type) { _, _, _ in
            any = true
            return false
        }
        return any
    }

    /// `match` without the array: calls `body` for each rule, in the same order.
    public func forEachMatch(name: PolicyName, type: UInt16, _ body: (DomainSetMatch) -> Void) {
        forEachRule(name: name, type: type) { rule, start, isQueriedName in
            let file = files[Int(rule.file)]
            let list = lists[file.list]
            let text = name.text
            let matched = text[text.utf8.index(text.startIndex, offsetBy: start)...]
            body(
                DomainSetMatch(
                    list: file.list, source: RuleSource(file: file.path, line: Int(rule.line), list: list.name),
                    category: list.category, rule: rule.flags.match, matchedName: matched,
                    isQueriedName: isQueriedName, isException: rule.flags.isException,
                    isImportant: rule.flags.isImportant,
                    dnsTypes: rule.typeFilter == 0 ? nil : typeFilters[Int(rule.typeFilter) - 1]))
            return true
        }
    }

    /// Walks the rules covering `name`; `body` gets the rule, the byte
    /// offset of the name it is on, and whether that is the queried name,
    /// and returns false to stop.
    private func forEachRule(name: PolicyName, type: UInt16, _ body: (Rule, Int, Bool) -> Bool) {
        func visit(_ bytes: UnsafeBufferPointer<UInt8>) {
            // Keys of every suffix that starts a label, shortest first.
            withUnsafeTemporaryAllocation(of: (key: UInt64, start: Int).self, capacity: 128) { suffixes in
                var count = 0
                var state = DomainHash.offsetBasis
                var index = bytes.count
                while index > 0 {
                    index -= 1
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "."), count < 127 {
                        suffixes[count] = (DomainHash.finish(state), index + 1)
                        count += 1
                    }
                    state = DomainHash.step(state, byte)
                }
                guard !bytes.isEmpty else { return }
                suffixes[count] = (DomainHash.finish(state), 0)
                count += 1
                keys.withUnsafeBufferPointer { keys in
                    for position in stride(from: count - 1, through: 0, by: -1) {
                        let (key, start) = suffixes[position]
                        var slot = Int(truncatingIfNeeded: key) & mask
                        while true {
                            let stored = keys[slot]
                            if stored == 0 { break }
                            if stored == key {
                                if !visitRules(from: heads[slot], start: start, type: type, body) { return }
                                break
                            }
                            slot = (slot + 1) & mask
                        }
                    }
                }
            }
        }
        if name.text.utf8.withContiguousStorageIfAvailable(visit) == nil {
            Array(name.text.utf8).withUnsafeBufferPointer(visit)
        }
    }

    /// Calls `body` for the applicable rules of one chain; false when `body` asked to stop.
    private func visitRules(from head: UInt32, start: Int, type: UInt16, _ body: (Rule, Int, Bool) -> Bool) -> Bool {
        var index = head
        let onName = start == 0
        while index != Rule.end {
            let rule = rules[Int(index)]
            index = rule.next
            guard rule.flags.applies(onName: onName) else { continue }
            if rule.typeFilter != 0, !typeFilters[Int(rule.typeFilter) - 1].matches(type) { continue }
            if !body(rule, start, onName) { return false }
        }
        return true
    }
}
