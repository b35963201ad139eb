/// What a pinner remembers of the pins it sent: per key (a cgroup and an
/// address), when the kernel's element expires, so a pin with enough time
/// left costs no syscall. Not thread-safe: the pinner holds its lock.
struct PinMemory<Key: Hashable> {
    private var expiries: [Key: Double] = [:]
    private var sweepAt = 4096

    /// Whether `key` is pinned with at least `enough` seconds left at `moment`.
    func isFresh(_ key: Key, enough: Double, at moment: Double) -> Bool {
        guard let expiry = expiries[key] else { return false }
        return expiry - moment >= enough
    }

    /// Records `key` as expiring at `expiry`; now and then drops what
    /// expired before `moment`, so the map stays the size of the live pins.
    mutating func remember(_ key: Key, expiry: Double, at moment: Double) {
        expiries[key] = expiry
        if expiries.count >= sweepAt {
            expiries = expiries.filter { $0.value > moment }
            sweepAt = max(4096, expiries.count * 2)
        }
    }

    /// Forgets every key `matches` selects (a cgroup that went away);
    /// returns those that had not expired by `moment` (the kernel may still
    /// hold them).
    @discardableResult
    mutating func forget(where matches: (Key) -> Bool, liveAt moment: Double = -.infinity) -> [Key] {
        var live: [Key] = []
        expiries = expiries.filter { key, expiry in
            guard matches(key) else { return true }
            if expiry > moment { live.append(key) }
            return false
        }
        return live
    }

    /// How many remembered pins are still live at `moment`.
    func liveCount(at moment: Double) -> Int {
        expiries.values.count { $0 > moment }
    }
}
