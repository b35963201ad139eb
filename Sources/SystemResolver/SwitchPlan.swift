import PinholeDaemon

/// What `system-resolver enable` will do, printed before it does it.
public struct SwitchPlan: Sendable, Equatable {
    public var mode: ResolverMode
    /// The servers pinholed will forward to, and where they came from.
    public var upstreams: [SocketAddressText]
    public var upstreamOrigin: String
    /// Files and systemctl calls, in the order they are made.
    public var steps: [SwitchStep]
    /// Things the admin should know (warnings), printed with the plan.
    public var notes: [String]

    public init(mode: ResolverMode, upstreams: [SocketAddressText], upstreamOrigin: String, steps: [SwitchStep], notes: [String] = []) {
        self.mode = mode
        self.upstreams = upstreams
        self.upstreamOrigin = upstreamOrigin
        self.steps = steps
        self.notes = notes
    }

    /// The files changed, in order.
    public var files: [FileChange] {
        steps.compactMap { if case .file(let change) = $0 { change } else { nil } }
    }

    /// The systemctl calls, in order.
    public var services: [ServiceAction] {
        steps.compactMap { if case .service(let action) = $0 { action } else { nil } }
    }

    /// The change to `path`, if the plan has one.
    public func change(to path: String) -> FileChange? {
        files.first { $0.path == path }
    }

    /// The plan as the admin reads it: mode, upstreams, each step with its
    /// reason (new file contents indented), notes.
    public var text: String {
        var out = "mode: \(mode.rawValue)\n"
        out += "upstreams: \(upstreams.map(\.description).joined(separator: ", ")) (from \(upstreamOrigin))\n"
        out += "steps:\n"
        for (number, step) in steps.enumerated() {
            switch step {
            case .file(let change):
                out += "  \(number + 1). write \(change.path) (mode \(String(change.mode, radix: 8))): \(change.reason)\n"
                for line in change.contents.split(separator: "\n", omittingEmptySubsequences: false).dropLast(change.contents.hasSuffix("\n") ? 1 : 0) {
                    out += "       | \(line)\n"
                }
            case .service(let action):
                out += "  \(number + 1). \(action.commandLine): \(action.reason)\n"
            }
        }
        for note in notes { out += "note: \(note)\n" }
        return out
    }
}
