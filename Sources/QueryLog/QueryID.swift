/// A query's row id: milliseconds since the Unix epoch shifted left by 10
/// bits, plus a sequence number for queries within the same millisecond
/// (1,024 per millisecond before the next millisecond is borrowed).
public enum QueryID {
    static let sequenceBits = 10

    /// The first id of millisecond `milliseconds`.
    public static func first(atMilliseconds milliseconds: Int64) -> Int64 {
        max(0, milliseconds) << Int64(sequenceBits)
    }

    /// The millisecond an id was stamped with.
    public static func milliseconds(of id: Int64) -> Int64 { id >> Int64(sequenceBits) }
}
