import Synchronization

/// Says "ready" once every part has arrived: the listeners serving and the
/// SIGHUP trap installed, so a reload sent right after READY=1 reloads
/// instead of killing the daemon (SIGHUP's default action).
final class Readiness: Sendable {
    private let remaining: Mutex<Int>
    private let action: @Sendable () -> Void

    init(parts: Int, whenReady action: @escaping @Sendable () -> Void) {
        remaining = Mutex(parts)
        self.action = action
    }

    /// One part is in place; the last one runs the action (once).
    func arrive() {
        let last = remaining.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if last { action() }
    }
}
