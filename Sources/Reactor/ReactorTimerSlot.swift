/// A timer's place in the reactor's deadline heap: stored in the timer so
/// that cancelling is O(log n) without a search.
public struct ReactorTimerSlot {
    /// When it is due, in monotonic nanoseconds (`Reactor.now()`).
    public internal(set) var deadline: UInt64 = 0
    /// Position in the heap, or -1 when not scheduled.
    var heapIndex = -1

    /// An unscheduled slot.
    public init() {}

    /// Whether the timer is scheduled.
    public var isScheduled: Bool { heapIndex >= 0 }
}
