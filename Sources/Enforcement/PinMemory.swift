import PinholeCore

/// What a pinner remembers of the pins it sent: per key (a cgroup and an
/// address), when the kernel's element expires, so a pin with enough time
/// left costs no syscall; and per cgroup, its remembered addresses, so
/// forgetting a cgroup costs what that cgroup has. Not thread-safe: the
/// pinner holds its lock.
struct PinMemory {
    /// One pin: a cgroup id and an address.
    struct Key: Hashable {
        let cgroup: UInt64
        let address: IPAddress
    }

    private var expiries: [Key: Double] = [:]
    /// The keys of `expiries` by cgroup. Only a new key touches it: a
    /// refresh changes the expiry alone, and `isFresh` never reads it.
    private var byCgroup: [UInt64: Set<IPAddress>] = [:]
    private var sweepAt = 4096

    /// Whether `key` is pinned with at least `enough` seconds left at
    /// `moment`: one dictionary lookup, no allocation (the per-answer path).
    func isFresh(_ key: Key, enough: Double, at moment: Double) -> Bool {
        guard let expiry = expiries[key] else { return false }
        return expiry - moment >= enough
    }

    /// Records `key` as expiring at `expiry`; now and then drops what
    /// expired before `moment`, so the maps stay the size of the live pins.
    mutating func remember(_ key: Key, expiry: Double, at moment: Double) {
        if expiries.updateValue(expiry, forKey: key) == nil {
            byCgroup[key.cgroup, default: []].insert(key.address)
        }
        if expiries.count >= sweepAt {
            expiries = expiries.filter { $0.value > moment }
            byCgroup = [:]
            for key in expiries.keys { byCgroup[key.cgroup, default: []].insert(key.address) }
            sweepAt = max(4096, expiries.count * 2)
        }
    }

    /// Forgets every pin of `cgroup` (it went away); returns those that had
    /// not expired by `moment` (the kernel may still hold them).
    @discardableResult
    mutating func forget(cgroup: UInt64, liveAt moment: Double = -.infinity) -> [Key] {
        guard let addresses = byCgroup.removeValue(forKey: cgroup) else { return [] }
        var live: [Key] = []
        for address in addresses {
            let key = Key(cgroup: cgroup, address: address)
            if let expiry = expiries.removeValue(forKey: key), expiry > moment { live.append(key) }
        }
        return live
    }

    /// How many remembered pins are still live at `moment`.
    func liveCount(at moment: Double) -> Int {
        expiries.values.count { $0 > moment }
    }
}
