/// A dictionary of at most `capacity` entries that evicts the oldest
/// insertion first: the attribution caches must not grow with every socket
/// and pid the machine ever had.
struct BoundedMap<Key: Hashable, Value> {
    private var entries: [Key: (value: Value, serial: UInt64)] = [:]
    /// Insertion order; entries removed since are skipped (their serial no
    /// longer matches) and compacted away when the queue doubles.
    private var order: [(key: Key, serial: UInt64)] = []
    private var orderStart = 0
    private var nextSerial: UInt64 = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    subscript(key: Key) -> Value? { entries[key]?.value }

    /// Stores `value`; returns the entries evicted to make room.
    @discardableResult
    mutating func set(_ key: Key, _ value: Value) -> [(key: Key, value: Value)] {
        if entries[key] != nil {
            entries[key]!.value = value
            return []
        }
        var evicted: [(key: Key, value: Value)] = []
        while entries.count >= capacity, orderStart < order.count {
            let oldest = order[orderStart]
            orderStart += 1
            if let entry = entries[oldest.key], entry.serial == oldest.serial {
                entries.removeValue(forKey: oldest.key)
                evicted.append((oldest.key, entry.value))
            }
        }
        nextSerial += 1
        entries[key] = (value, nextSerial)
        order.append((key, nextSerial))
        if orderStart > capacity || order.count > 2 * capacity + 16 { compact() }
        return evicted
    }

    /// Changes the value of an existing entry in place; false when absent.
    @discardableResult
    mutating func update(_ key: Key, _ body: (inout Value) -> Void) -> Bool {
        guard entries[key] != nil else { return false }
        body(&entries[key]!.value)
        return true
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        entries.removeValue(forKey: key)?.value
    }

    /// Every entry, in no particular order.
    var all: [(key: Key, value: Value)] { entries.map { ($0.key, $0.value.value) } }

    private mutating func compact() {
        order = order[orderStart...].filter { entries[$0.key]?.serial == $0.serial }
        orderStart = 0
    }
}
