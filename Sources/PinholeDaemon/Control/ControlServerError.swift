/// The control socket could not be set up (pinholed keeps answering DNS without it).
struct ControlServerError: Error, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "control socket \(path): \(reason)" }
}
