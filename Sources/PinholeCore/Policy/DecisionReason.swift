/// Why a name was allowed or blocked: the one thing that decided.
public enum DecisionReason: Sendable, Hashable, CustomStringConvertible {
    /// A rule (see `RuleHit.Kind` for the order they are weighed in).
    case rule(RuleHit)
    /// No rule matched; the profile's mode decided.
    case modeDefault(PolicyMode)
    /// First-party mode: the registrable domain is not one of the vendor's.
    case thirdParty(registrable: String)
    /// A name pinhole always answers itself (a canary, DDR): the text says which.
    case special(String)
    /// A name in the answer's CNAME chain was blocked.
    case cname(name: String, because: Box)
    /// A public name answered with an internal address (rebinding guard).
    case rebinding(address: String)

    /// Indirection for the recursive case.
    public final class Box: Sendable, Hashable {
        public let reason: DecisionReason
        public init(_ reason: DecisionReason) { self.reason = reason }
        public static func == (lhs: Box, rhs: Box) -> Bool { lhs.reason == rhs.reason }
        public func hash(into hasher: inout Hasher) { hasher.combine(reason) }
    }

    public var description: String {
        switch self {
        case .rule(let hit): return hit.description
        case .modeDefault(let mode): return "mode \(mode.rawValue) default"
        case .thirdParty(let registrable): return "first-party: \(registrable) is not a vendor domain"
        case .special(let what): return what
        case .cname(let name, let because): return "CNAME \(name): \(because.reason)"
        case .rebinding(let address): return "rebinding guard: public name answered with internal address \(address)"
        }
    }
}
