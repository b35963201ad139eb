/// A value from a profile file with the place it was written, so a
/// decision or an error can point at the line.
public struct Sourced<Value: Sendable>: Sendable {
    public var value: Value
    public var source: RuleSource

    public init(_ value: Value, _ source: RuleSource) {
        self.value = value
        self.source = source
    }
}

extension Sourced: Equatable where Value: Equatable {}
extension Sourced: Hashable where Value: Hashable {}
