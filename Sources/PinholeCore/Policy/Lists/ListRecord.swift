/// One list entry as the parser keeps it: the name's key and where its bytes
/// are in the list's name arena, so a million entries are a few large
/// arrays instead of a million Strings.
struct ListRecord: Sendable, Hashable {
    /// `DomainHash` key of the normalized name.
    var key: UInt64
    /// Offset of the name in `ParsedList.nameBytes`.
    var nameStart: UInt32
    /// 1-based line in the file.
    var line: UInt32
    /// Length of the name (≤ 253).
    var nameLength: UInt8
    var flags: RuleFlags
    /// 1-based index into `ParsedList.typeFilters`; 0 for every type.
    var typeFilter: UInt16
}

/// The kind of match and the adblock flags of a rule, in one byte.
struct RuleFlags: Sendable, Hashable {
    var rawValue: UInt8

    init(match: DomainMatch, isException: Bool, isImportant: Bool) {
        let kind: UInt8
        switch match {
        case .exact: kind = 0
        case .subtree: kind = 1
        case .subdomains: kind = 2
        }
        rawValue = kind | (isException ? 4 : 0) | (isImportant ? 8 : 0)
    }

    var match: DomainMatch {
        switch rawValue & 3 {
        case 0: return .exact
        case 2: return .subdomains
        default: return .subtree
        }
    }
    var isException: Bool { rawValue & 4 != 0 }
    var isImportant: Bool { rawValue & 8 != 0 }

    /// Whether the rule covers the queried name itself (`onName`) or one of its parents.
    @inline(__always)
    func applies(onName: Bool) -> Bool {
        switch rawValue & 3 {
        case 0: return onName
        case 2: return !onName
        default: return true
        }
    }
}
