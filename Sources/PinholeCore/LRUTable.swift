/// A map bounded to `capacity` entries that evicts the least recently used
/// one: a dictionary from keys to slot indices plus a doubly-linked list
/// threaded through the slot array, so every operation is O(1) and slots are
/// reused instead of reallocated.
///
/// Not thread-safe: `DNSCache` keeps it behind a mutex.
struct LRUTable<Key: Hashable, Value> {
    private struct Slot {
        var key: Key?
        var value: Value?
        /// Neighbour towards the most recently used end, or -1.
        var prev: Int
        /// Neighbour towards the least recently used end, or -1.
        var next: Int
    }

    private var index: [Key: Int] = [:]
    private var slots: [Slot] = []
    /// Slots emptied by `remove`, reused before the array grows.
    private var freeSlots: [Int] = []
    /// Most recently used slot, or -1.
    private var head = -1
    /// Least recently used slot, or -1.
    private var tail = -1

    /// Most entries kept.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { index.count }

    /// The value for `key`, which becomes the most recently used.
    mutating func get(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        moveToFront(i)
        return slots[i].value
    }

    /// The value for `key`, leaving the recency order alone.
    func peek(_ key: Key) -> Value? {
        guard let i = index[key] else { return nil }
        return slots[i].value
    }

    /// Stores `value` under `key` as the most recently used entry, replacing
    /// any previous value in its slot. Returns the entry evicted to make room.
    /// With capacity 0 nothing is stored.
    @discardableResult
    mutating func set(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let i = index[key] {
            slots[i].value = value
            moveToFront(i)
            return nil
        }
        guard capacity > 0 else { return nil }
        var evicted: (key: Key, value: Value)?
        let i: Int
        if index.count >= capacity {
            i = tail
            unlink(i)
            let old = slots[i]
            index.removeValue(forKey: old.key!)
            evicted = (old.key!, old.value!)
        } else if let reused = freeSlots.popLast() {
            i = reused
        } else {
            slots.append(Slot(key: nil, value: nil, prev: -1, next: -1))
            i = slots.count - 1
        }
        slots[i].key = key
        slots[i].value = value
        index[key] = i
        pushFront(i)
        return evicted
    }

    /// Removes the entry for `key` and returns its value.
    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let i = index.removeValue(forKey: key) else { return nil }
        unlink(i)
        let value = slots[i].value
        // Drop the references now so a removed answer does not linger in memory.
        slots[i].key = nil
        slots[i].value = nil
        freeSlots.append(i)
        return value
    }

    /// Removes every entry.
    mutating func removeAll() {
        index.removeAll()
        slots.removeAll()
        freeSlots.removeAll()
        head = -1
        tail = -1
    }

    /// Keys from the most to the least recently used (for tests; O(n)).
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var i = head
        while i >= 0 {
            keys.append(slots[i].key!)
            i = slots[i].next
        }
        return keys
    }

    private mutating func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        pushFront(i)
    }

    private mutating func unlink(_ i: Int) {
        let prev = slots[i].prev
        let next = slots[i].next
        if prev >= 0 { slots[prev].next = next } else { head = next }
        if next >= 0 { slots[next].prev = prev } else { tail = prev }
        slots[i].prev = -1
        slots[i].next = -1
    }

    private mutating func pushFront(_ i: Int) {
        slots[i].prev = -1
        slots[i].next = head
        if head >= 0 { slots[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }
}
