import Dispatch
import Synchronization
@testable import PinholeCore

/// A `ProcessResolver` answering every request with `attribution`, either
/// synchronously or later on another thread; records what it was asked.
final class StubResolver: ProcessResolver {
    let attribution: Attribution
    let asynchronous: Bool
    private let asked = Mutex<[AttributionRequest]>([])

    init(_ attribution: Attribution, asynchronous: Bool = false) {
        self.attribution = attribution
        self.asynchronous = asynchronous
    }

    var requests: [AttributionRequest] { asked.withLock { $0 } }

    func attribute(_ request: AttributionRequest, completion: @escaping @Sendable (Attribution) -> Void) {
        asked.withLock { $0.append(request) }
        if asynchronous {
            let attribution = self.attribution
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { completion(attribution) }
        } else {
            completion(attribution)
        }
    }

    /// An identity for pid 4242 in app-a.scope.
    static let identity = AppIdentity(
        key: "app-a.scope", pid: 4242, startTime: 77, executable: "/usr/bin/dig", executableState: .present,
        commandLine: ["dig", "example.com"], ancestors: [ProcessAncestor(pid: 1, name: "init")], uid: 1000,
        userName: "alice", cgroupPath: "/app-a.scope", unit: "app-a.scope", userUnit: nil, slice: nil,
        flatpakID: nil, snapName: nil)
}

/// A `QueryLogSink` keeping what it is given.
final class RecordingSink: QueryLogSink {
    let isEnabled: Bool
    private let kept = Mutex<[QueryLogEntry]>([])

    init(enabled: Bool = true) { isEnabled = enabled }

    var entries: [QueryLogEntry] { kept.withLock { $0 } }

    func record(_ entry: consuming QueryLogEntry) {
        let owned = entry
        kept.withLock { $0.append(owned) }
    }
}
