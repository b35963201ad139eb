/// A problem found while walking a message: what and at which byte.
struct WireError: Error, CustomStringConvertible {
    var reason: String
    var offset: Int

    init(_ reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    var description: String { "\(reason) (at byte \(offset))" }
}
