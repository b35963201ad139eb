/// How narrowly one matched criterion picks out an app. Ordered: an exact
/// unit/executable/cgroup value beats any glob; among globs, more literal
/// characters beat fewer; a user criterion is weakest (it covers every
/// program of that user); the criterion kind breaks what is left.
public struct CriterionStrength: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0 user, 1 glob, 2 exact value.
    public let rank: Int
    /// Literal characters of the glob or value (0 for a user).
    public let literals: Int
    public let criterion: MatchCriterion

    public init(glob: Glob, criterion: MatchCriterion) {
        rank = glob.isLiteral ? 2 : 1
        literals = glob.literalCount
        self.criterion = criterion
    }

    public init(user: UserMatch) {
        rank = 0
        literals = 0
        criterion = .user
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.rank, lhs.literals, lhs.criterion) < (rhs.rank, rhs.literals, rhs.criterion)
    }

    public var description: String {
        switch rank {
        case 0: "\(criterion)"
        case 1: "\(criterion) glob (\(literals) literal characters)"
        default: "exact \(criterion)"
        }
    }
}
