import PinholeCore

/// Which global lists would block a name: for `pinhole suggest`'s marks.
public struct ListCategories: Sendable {
    private let set: DomainSet

    public init(lists: [PolicyList]) {
        set = DomainSet(lists: lists)
    }

    /// "category (list)" (or the list name alone) for each list with a
    /// blocking rule covering any of `names` (an exception in the same list
    /// clears it), sorted, without duplicates.
    public func blocking(_ names: [String], type: UInt16 = 1) -> [String] {
        var found = Set<String>()
        for text in names {
            guard let name = PolicyName(text) else { continue }
            let matches = set.match(name: name, type: type)
            let excepted = Set(matches.filter(\.isException).map(\.list))
            for match in matches where !match.isException && !excepted.contains(match.list) {
                let list = set.lists[match.list]
                found.insert(list.category.map { $0 == list.name ? $0 : "\($0) (\(list.name))" } ?? list.name)
            }
        }
        return found.sorted()
    }
}
