/// The fixed fields of one resource record and where its parts sit.
struct WireRecord {
    /// Offset of the owner name.
    var start: Int
    var type: UInt16
    var rrclass: UInt16
    var ttl: UInt32
    var ttlOffset: Int
    var rdataStart: Int
    /// Offset just past the record data.
    var end: Int
    /// The owner is the literal root label (a single zero byte, no pointer).
    var ownerIsRoot: Bool

    var rdataLength: Int { end - rdataStart }
}
