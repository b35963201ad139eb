/// Something with at most one pending deadline on a `Reactor`
/// (see `Reactor.schedule`).
public protocol ReactorTimer: AnyObject {
    /// Where the reactor keeps the deadline; only the reactor changes it.
    var reactorTimerSlot: ReactorTimerSlot { get set }
    /// The deadline passed; the timer is already unscheduled. Reactor thread.
    func timerFired()
    /// The reactor is stopping with this timer still scheduled: release
    /// what it holds and fail whoever waits. Reactor thread.
    func reactorStopped()
}
