/// The storage of a `DomainSet`: the open-addressing table of name keys,
/// the rule chains and what rules point to. Built once, then only read.
final class DomainTable: Sendable {
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

    let lists: [DomainSet.ListInfo]
    let files: [(path: String, list: Int)]
    /// `DomainHash` keys by slot; 0 marks an empty slot.
    let keys: [UInt64]
    /// First rule of each slot's chain.
    let heads: [UInt32]
    let rules: [Rule]
    let typeFilters: [DNSTypeFilter]
    let mask: Int
    let nameCount: Int

    init(lists: [PolicyList]) {
        let builder = Builder(lists: lists)
        self.lists = lists.map { DomainSet.ListInfo(name: $0.name, category: $0.category) }
        files = lists.enumerated().flatMap { index, list in list.files.map { (path: $0.file, list: index) } }
        keys = builder.keys
        heads = builder.heads
        rules = builder.rules
        typeFilters = builder.typeFilters
        mask = builder.mask
        nameCount = builder.nameCount
    }

    /// Calls `body` for the applicable rules of one chain; false when `body` asked to stop.
    @inline(__always)
    func visitRules(from head: UInt32, start: Int, type: UInt16, _ body: (Rule, Int, Bool) -> Bool) -> Bool {
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

    /// Fills the table from the parsed lists.
    private struct Builder {
        var keys: [UInt64]
        var heads: [UInt32]
        var rules: [Rule] = []
        var typeFilters: [DNSTypeFilter] = []
        let mask: Int
        var nameCount = 0

        init(lists: [PolicyList]) {
            let total = lists.reduce(0) { $0 + $1.files.reduce(0) { $0 + $1.entryCount } }
            var capacity = 16
            while capacity * 7 < total * 10 { capacity *= 2 }  // load ≤ 0.7
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
    }
}
