/// Something with at most one pending deadline, kept in a `DeadlineHeap`.
/// The heap maintains `heapIndex` so the deadline can be cancelled in
/// O(log n) without a search.
protocol DeadlineHeapElement: AnyObject {
    /// When it is due, in monotonic nanoseconds.
    var deadline: UInt64 { get set }
    /// Position in the heap, or -1 when not scheduled.
    var heapIndex: Int { get set }
}

/// A binary min-heap of deadlines with removal by element, for the
/// reactor's timeouts. Not thread-safe: owned by the reactor thread.
struct DeadlineHeap<Element: DeadlineHeapElement> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    /// The earliest element, if any.
    var first: Element? { items.first }

    /// Schedules `element` at `deadline` (moving it if already scheduled).
    mutating func schedule(_ element: Element, at deadline: UInt64) {
        if element.heapIndex >= 0 { remove(element) }
        element.deadline = deadline
        element.heapIndex = items.count
        items.append(element)
        siftUp(items.count - 1)
    }

    /// Unschedules `element`; nothing when it is not scheduled.
    mutating func remove(_ element: Element) {
        let index = element.heapIndex
        guard index >= 0, index < items.count, items[index] === element else { return }
        element.heapIndex = -1
        let last = items.removeLast()
        guard index < items.count else { return }
        items[index] = last
        last.heapIndex = index
        siftDown(index)
        siftUp(index)
    }

    /// Removes and returns the earliest element when it is due at `now`.
    mutating func popDue(now: UInt64) -> Element? {
        guard let head = items.first, head.deadline <= now else { return nil }
        remove(head)
        return head
    }

    /// Removes every element, earliest first not guaranteed.
    mutating func removeAll() -> [Element] {
        let all = items
        items.removeAll()
        for element in all { element.heapIndex = -1 }
        return all
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { return }
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
            if right < items.count && items[right].deadline < items[left].deadline { smallest = right }
            guard items[smallest].deadline < items[parent].deadline else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        items.swapAt(a, b)
        items[a].heapIndex = a
        items[b].heapIndex = b
    }
}
