import Glibc
import Synchronization

/// uid → user name through getpwuid_r, cached per uid (the user database
/// may be remote: NSS lookups are too slow to repeat per process).
public final class UserNames: Sendable {
    private let cache = Mutex<[UInt32: String?]>([:])
    /// Most uids remembered; past it the cache starts over.
    private let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The name of `uid`, nil when the user database has none.
    public func name(of uid: UInt32) -> String? {
        if let known = cache.withLock({ $0[uid] }) { return known }
        let name = Self.lookUp(uid)
        cache.withLock { names in
            if names.count >= capacity { names.removeAll(keepingCapacity: true) }
            names[uid] = .some(name)
        }
        return name
    }

    private static func lookUp(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = max(Int(sysconf(Int32(_SC_GETPW_R_SIZE_MAX))), 1024)
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &entry, &buffer, size, &result)
            if status == ERANGE { size *= 4; continue }
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
        return nil
    }
}
