/// The kinds of `[match]` criteria a profile can give, in the order that
/// breaks the last ties between equally specific profiles (unit first).
public enum MatchCriterion: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case user = 0
    case cgroup = 1
    case executable = 2
    case unit = 3

    /// The key in a profile's `[match]` table.
    public var description: String {
        switch self {
        case .unit: "unit"
        case .executable: "executable"
        case .cgroup: "cgroup"
        case .user: "user"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
