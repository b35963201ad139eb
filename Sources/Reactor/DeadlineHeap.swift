/// A binary min-heap of timers by deadline with removal by element, for the
/// reactor's timeouts. Not thread-safe: owned by the reactor thread.
struct DeadlineHeap {
    private var items: [any ReactorTimer] = []

    var isEmpty: Bool { items.isEmpty }

    /// The earliest deadline, if any.
    var firstDeadline: UInt64? { items.first?.reactorTimerSlot.deadline }

    /// Schedules `timer` at `deadline` (moving it if already scheduled).
    mutating func schedule(_ timer: any ReactorTimer, at deadline: UInt64) {
        if timer.reactorTimerSlot.heapIndex >= 0 { remove(timer) }
        timer.reactorTimerSlot.deadline = deadline
        timer.reactorTimerSlot.heapIndex = items.count
        items.append(timer)
        siftUp(items.count - 1)
    }

    /// Unschedules `timer`; nothing when it is not scheduled.
    mutating func remove(_ timer: any ReactorTimer) {
        let index = timer.reactorTimerSlot.heapIndex
        guard index >= 0, index < items.count, items[index] === timer else { return }
        timer.reactorTimerSlot.heapIndex = -1
        let last = items.removeLast()
        guard index < items.count else { return }
        items[index] = last
        last.reactorTimerSlot.heapIndex = index
        siftDown(index)
        siftUp(index)
    }

    /// Removes and returns the earliest timer when it is due at `now`.
    mutating func popDue(now: UInt64) -> (any ReactorTimer)? {
        guard let head = items.first, head.reactorTimerSlot.deadline <= now else { return nil }
        remove(head)
        return head
    }

    /// Removes every timer, in no particular order.
    mutating func removeAll() -> [any ReactorTimer] {
        let all = items
        items.removeAll()
        for timer in all { timer.reactorTimerSlot.heapIndex = -1 }
        return all
    }

    private func deadline(_ index: Int) -> UInt64 { items[index].reactorTimerSlot.deadline }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard deadline(child) < deadline(parent) else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { return }
            let right = left + 1
            var smallest = left
            if right < items.count && deadline(right) < deadline(left) { smallest = right }
            guard deadline(smallest) < deadline(parent) else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        items.swapAt(a, b)
        items[a].reactorTimerSlot.heapIndex = a
        items[b].reactorTimerSlot.heapIndex = b
    }
}
