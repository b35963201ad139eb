import Foundation

/// The `governed` set of `inet pinhole` and what pinholed knows of it: the
/// app cgroups (paths relative to the cgroup2 root, no leading slash) whose
/// sockets are enforced.
///
/// nft's text and JSON syntax name a cgroup by path and resolve it when the
/// command runs, so an element whose cgroup is gone (listed as its bare
/// numeric id) cannot be deleted by name. Dropping such elements rebuilds
/// the set instead, in one transaction: flush it and add back every
/// governed cgroup that still exists. Calls are serialized by a lock held
/// across the nft command, so a `govern` never races a rebuild.
public final class GovernedSet: @unchecked Sendable {
    private let nft: Nftables
    private let cgroupRoot: String
    private let lock = NSLock()
    private var members: Set<String> = []

    /// - Parameter cgroupRoot: where the cgroup2 tree is mounted, to tell
    ///   which cgroups still exist.
    public init(nft: Nftables, cgroupRoot: String = "/sys/fs/cgroup") {
        self.nft = nft
        self.cgroupRoot = cgroupRoot
    }

    /// Governs `cgroupPath`; returns false, with no nft call, when it already is.
    @discardableResult
    public func govern(_ cgroupPath: String) throws(NftablesError) -> Bool {
        let path = Self.relative(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        guard !members.contains(path) else { return false }
        try nft.run("add element \(EnforcementTable.qualifiedName) governed { \(try NftablesPinner.nftPath(path)) }\n")
        members.insert(path)
        return true
    }

    /// Stops governing `cgroupPath`, a cgroup that still exists; returns
    /// false when it was not governed.
    @discardableResult
    public func ungovern(_ cgroupPath: String) throws(NftablesError) -> Bool {
        let path = Self.relative(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        guard members.contains(path) else { return false }
        if exists(path) {
            try nft.run("delete element \(EnforcementTable.qualifiedName) governed { \(try NftablesPinner.nftPath(path)) }\n")
            members.remove(path)
        } else {
            members.remove(path)
            try rebuildLocked()
        }
        return true
    }

    /// Drops `cgroupPaths`, cgroups that are gone, from the set (one
    /// rebuild); returns those that were governed.
    @discardableResult
    public func dropGone(_ cgroupPaths: [String]) throws(NftablesError) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let dropped = cgroupPaths.map(Self.relative).filter { members.remove($0) != nil }
        guard !dropped.isEmpty else { return [] }
        try rebuildLocked()
        return dropped
    }

    /// Takes over the set as the kernel holds it (a restart after a crash,
    /// or after a stop with `fail_closed`): cgroups that still exist stay
    /// governed and are remembered; elements of cgroups that are gone are
    /// dropped. Returns how many of each.
    @discardableResult
    public func adopt() throws(NftablesError) -> (kept: Int, dropped: Int) {
        let listing = try nft.json("list set \(EnforcementTable.qualifiedName) governed")
        let elements = Self.elements(inJSON: listing)
        lock.lock()
        defer { lock.unlock() }
        let kept = elements.filter(exists)
        members.formUnion(kept)
        let dropped = elements.count - kept.count
        if dropped > 0 { try rebuildLocked() }
        return (kept.count, dropped)
    }

    /// Whether `cgroupPath` is governed (as far as this instance knows).
    public func contains(_ cgroupPath: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return members.contains(Self.relative(cgroupPath))
    }

    /// Every governed cgroup, sorted.
    public var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return members.sorted()
    }

    /// Replaces the set's elements with `members` that still exist, in one transaction.
    private func rebuildLocked() throws(NftablesError) {
        var lastError: NftablesError?
        // A cgroup may vanish between the check and the command: one more try without it.
        for _ in 0..<2 {
            members = members.filter(exists)
            var script = "flush set \(EnforcementTable.qualifiedName) governed\n"
            var quoted: [String] = []
            for path in members.sorted() {
                guard let literal = try? NftablesPinner.nftPath(path) else { continue }
                quoted.append(literal)
            }
            if !quoted.isEmpty {
                script += "add element \(EnforcementTable.qualifiedName) governed { \(quoted.joined(separator: ", ")) }\n"
            }
            do {
                try nft.run(script)
                return
            } catch {
                lastError = error
            }
        }
        if let lastError { throw lastError }
    }

    private func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(cgroupRoot + "/" + path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// "/a/b/" → "a/b".
    static func relative(_ cgroupPath: String) -> String {
        cgroupPath.split(separator: "/").joined(separator: "/")
    }

    /// The element strings of a `list set` JSON answer: cgroup paths, or
    /// bare numeric ids for cgroups nft could not name.
    static func elements(inJSON text: String) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]]
        else { return [] }
        var result: [String] = []
        for item in items {
            guard let set = item["set"] as? [String: Any], let elements = set["elem"] as? [Any] else { continue }
            for item in elements {
                // A set with counters lists {"elem": {"val": …, "counter": …}}.
                let element = ((item as? [String: Any])?["elem"] as? [String: Any])?["val"] ?? item
                if let text = element as? String {
                    result.append(text)
                } else if let number = element as? NSNumber {
                    result.append(number.stringValue)
                }
            }
        }
        return result
    }
}
