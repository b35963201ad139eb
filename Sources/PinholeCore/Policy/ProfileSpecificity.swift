/// How specifically a profile matched an app; the most specific profile wins.
///
/// Order: more criteria beat fewer; then the criteria are compared
/// strongest first (see `CriterionStrength`: exact value > glob with more
/// literal characters > glob with fewer > user; equal strengths are ordered
/// unit > executable > cgroup > user). Equal specificities are a tie.
public struct ProfileSpecificity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One strength per criterion, strongest first.
    public let strengths: [CriterionStrength]

    public init(_ strengths: [CriterionStrength]) {
        self.strengths = strengths.sorted(by: >)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.strengths.count != rhs.strengths.count { return lhs.strengths.count < rhs.strengths.count }
        for (left, right) in zip(lhs.strengths, rhs.strengths) where left != right { return left < right }
        return false
    }

    public var description: String {
        strengths.isEmpty ? "no criteria" : strengths.map(\.description).joined(separator: ", ")
    }
}
