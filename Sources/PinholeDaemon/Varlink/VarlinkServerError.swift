/// The varlink socket could not be set up.
struct VarlinkServerError: Error, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "varlink socket \(path): \(reason)" }
}
