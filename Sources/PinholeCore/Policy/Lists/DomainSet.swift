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

    /// The lists, in the order given; `DomainSetMatch.list` indexes this.
    public var lists: [ListInfo] { table.lists }
    /// Distinct names stored.
    public var nameCount: Int { table.nameCount }
    /// Rules stored (duplicates of a name within one file with the same flags are stored once).
    public var ruleCount: Int { table.rules.count }

    /// One reference, so copying a set (into a policy snapshot, a closure) costs one retain.
    private let table: DomainTable

    /// Compiles `lists`; their parsed files can be dropped afterwards.
    public init(lists: [PolicyList]) {
        table = DomainTable(lists: lists)
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
            let file = table.files[Int(rule.file)]
            let list = table.lists[file.list]
            let text = name.text
            let matched = text[text.utf8.index(text.startIndex, offsetBy: start)...]
            body(
                DomainSetMatch(
                    list: file.list, source: RuleSource(file: file.path, line: Int(rule.line), list: list.name),
                    category: list.category, rule: rule.flags.match, matchedName: matched,
                    isQueriedName: isQueriedName, isException: rule.flags.isException,
                    isImportant: rule.flags.isImportant,
                    dnsTypes: rule.typeFilter == 0 ? nil : table.typeFilters[Int(rule.typeFilter) - 1]))
            return true
        }
    }

    /// Walks the rules covering `name`; `body` gets the rule, the byte
    /// offset of the name it is on, and whether that is the queried name,
    /// and returns false to stop.
    private func forEachRule(name: PolicyName, type: UInt16, _ body: (DomainTable.Rule, Int, Bool) -> Bool) {
        let table = table
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
                let mask = table.mask
                table.keys.withUnsafeBufferPointer { keys in
                    for position in stride(from: count - 1, through: 0, by: -1) {
                        let (key, start) = suffixes[position]
                        var slot = Int(truncatingIfNeeded: key) & mask
                        while true {
                            let stored = keys[slot]
                            if stored == 0 { break }
                            if stored == key {
                                if !table.visitRules(from: table.heads[slot], start: start, type: type, body) { return }
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
}
