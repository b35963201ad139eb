/// Work postponed until the reactor has handled its current round of
/// events, tasks and timers (see `Reactor.runAfterEvents`): typically
/// sending what that round produced with one batched system call.
public protocol ReactorDeferredWork: AnyObject {
    /// The round is over and the reactor is about to wait. Reactor thread.
    func runAfterEvents()
}
