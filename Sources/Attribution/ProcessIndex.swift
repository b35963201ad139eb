import CLinux
import Glibc
import PinholeCore
import Synchronization

/// Which process holds a socket inode: the inode → pid map, refreshed
/// incrementally.
///
/// A cached holder is checked with one readlinkat through the process's
/// /proc/PID/fd directory, kept open (dead once the process exits, so a reused
/// pid reads nothing), or past that budget with a readlink of /proc/PID/fd/FD
/// and its start time: a closed fd or a reused pid is never answered. A miss scans,
/// in order: the newest processes of the socket's cgroup (counting down
/// from the kernel's last pid, no listing), the remembered socket fds of the pids in the socket's cgroup,
/// the cgroup's new pids, its other pids; then new pids of the socket's uid
/// anywhere; last the other known pids of that uid (a socket passed to a
/// process in another cgroup). Every socket seen on the way is remembered.
///
/// `cachedHolder` is cheap enough for the reactor thread; `findHolder` scans
/// and belongs on one background thread.
public final class ProcessIndex: Sendable {
    /// A process holding a socket at a descriptor.
    public struct Holder: Sendable, Hashable {
        public var pid: Int32
        public var fd: Int32
        /// Start time of `pid` when it was seen holding the socket.
        public var startTime: UInt64

        public init(pid: Int32, fd: Int32, startTime: UInt64) {
            self.pid = pid
            self.fd = fd
            self.startTime = startTime
        }
    }

    /// The outcome of a full search.
    public enum Lookup: Sendable, Hashable {
        case found(Holder)
        /// Not found, and a process of the socket's cgroup exited during the search.
        case vanished
        /// No visible process holds the socket.
        case notHeld
        /// Not found, and the kernel refused to show some process's fds.
        case permissionDenied
    }

    /// Bounds on memory and descriptors.
    public struct Limits: Sendable {
        /// Socket inodes remembered.
        public var inodes = 65_536
        /// Processes remembered.
        public var processes = 32_768
        /// pidfds kept open for cheap liveness checks.
        public var pidfds = 256
        /// Socket fd numbers remembered per process.
        public var socketFDsPerProcess = 8
        /// Recent holder pids remembered per cgroup.
        public var holdersPerCgroup = 8
        /// pids tried first in a crowded cgroup, counting down from the last
        /// one the kernel handed out (0: skip that step).
        public var newestPids = 32
        /// Members above which a cgroup counts as crowded: reading its
        /// process list costs more than trying the newest pids first.
        public var crowdedCgroup = 64

        public init() {}
    }

    struct ProcessRecord {
        var startTime: UInt64
        /// Effective uid (owner of /proc/PID).
        var uid: UInt32
        /// -1 when none is kept.
        var pidfd: Int32
        /// /proc/PID/fd opened while the process was alive; kept with the pidfd, -1 when none.
        var fdDirectory: Int32 = -1
        /// fds where sockets were found, the latest holder fd first.
        var socketFDs: [Int32]
    }

    struct State {
        var inodes: BoundedMap<UInt64, Holder>
        var processes: BoundedMap<Int32, ProcessRecord>
        var recentHolders: BoundedMap<UInt64, [Int32]>
        /// Members of each cgroup when its process list was last read.
        var cgroupSizes: BoundedMap<UInt64, Int>
        var openPidfds = 0
    }

    private let procRoot: String
    private let cgroups: CgroupTree?
    private let limits: Limits
    private let state: Mutex<State>

    /// An index over the processes in `procRoot`; `cgroups` nil skips the
    /// cgroup step (no cgroup2 mount).
    public init(procRoot: String = "/proc", cgroups: CgroupTree?, limits: Limits = Limits()) {
        self.procRoot = procRoot
        self.cgroups = cgroups
        self.limits = limits
        self.state = Mutex(State(
            inodes: BoundedMap(capacity: limits.inodes),
            processes: BoundedMap(capacity: limits.processes),
            recentHolders: BoundedMap(capacity: max(64, limits.processes / 8)),
            cgroupSizes: BoundedMap(capacity: 4096)
        ))
    }

    deinit {
        state.withLock { state in
            for (_, record) in state.processes.all { Self.closeDescriptors(of: record) }
        }
    }

    // MARK: Fast path

    /// The holder of `socket` from the cache, checked against the kernel;
    /// nil when a scan is needed. A few syscalls.
    public func cachedHolder(of socket: SocketOwner) -> Holder? {
        cachedLookup(of: socket)?.holder
    }

    /// `cachedHolder`, and whether the socket is new to the index (found at a
    /// recent holder's fd rather than remembered).
    func cachedLookup(of socket: SocketOwner) -> (holder: Holder, newSocket: Bool)? {
        state.withLock { state in
            if let holder = state.inodes[socket.inode] {
                if confirms(holder.pid, holder.fd, socket.inode, holder.startTime, &state) { return (holder, false) }
                state.inodes.remove(socket.inode)
            }
            // glibc opens a new resolver socket per lookup, usually at the
            // same fd number: try the recent holders of this cgroup there.
            for pid in state.recentHolders[socket.cgroupID] ?? [] {
                guard let record = state.processes[pid] else { continue }
                for fd in record.socketFDs where confirms(pid, fd, socket.inode, record.startTime, &state) {
                    let holder = Holder(pid: pid, fd: fd, startTime: record.startTime)
                    state.inodes.set(socket.inode, holder)
                    return (holder, true)
                }
            }
            return nil
        }
    }

    // MARK: Search

    /// Finds the holder of `socket`, scanning /proc as little as it can.
    public func findHolder(of socket: SocketOwner) -> Lookup {
        if let holder = cachedLookup(of: socket)?.holder { return .found(holder) }
        var round = Round(target: socket.inode)

        // A new process is almost always among the last pids handed out: in
        // a crowded cgroup, try those before reading its process list, which
        // costs the kernel about a millisecond per few thousand members.
        if let cgroups, state.withLock({ ($0.cgroupSizes[socket.cgroupID] ?? 0) > limits.crowdedCgroup }) {
            for pid in newestProcesses(of: socket, cgroups: cgroups) where !round.scanned.contains(pid) {
                if let holder = scan(pid, &round) { return found(holder, socket) }
            }
        }

        if let cgroups, let members = try? cgroups.pids(inCgroup: socket.cgroupID) {
            state.withLock { _ = $0.cgroupSizes.set(socket.cgroupID, members.count) }
            let known = state.withLock { state in members.filter { state.processes[$0] != nil } }
            let knownSet = Set(known)
            for pid in known {
                if let holder = checkRemembered(pid, &round) { return found(holder, socket) }
            }
            round.vanishedMatters = true
            for pid in members.sorted(by: >) where !knownSet.contains(pid) {
                if let holder = scan(pid, &round) { return found(holder, socket) }
            }
            for pid in known {
                if let holder = scan(pid, &round) { return found(holder, socket) }
            }
            round.vanishedMatters = false
        }

        let running = listPids()
        prune(keeping: Set(running))
        // Newest first: pids grow, and the asker is most likely a new process.
        let fresh = state.withLock { state in running.filter { state.processes[$0] == nil } }.sorted(by: >)
        for pid in fresh where !round.scanned.contains(pid) && owner(of: pid) == socket.uid {
            if let holder = scan(pid, &round) { return found(holder, socket) }
        }
        let knownOfUID = state.withLock { state in
            state.processes.all.filter { $0.value.uid == socket.uid }.map(\.key)
        }
        for pid in knownOfUID where !round.scanned.contains(pid) {
            if let holder = scan(pid, &round) { return found(holder, socket) }
        }
        if round.permissionDenied { return .permissionDenied }
        return round.vanished ? .vanished : .notHeld
    }

    /// What one search has done so far.
    struct Round {
        var target: UInt64
        var scanned: Set<Int32> = []
        var vanished = false
        /// Whether an exit now counts (the pid is a candidate of the cgroup).
        var vanishedMatters = false
        var permissionDenied = false
    }

    private func found(_ holder: Holder, _ socket: SocketOwner) -> Lookup {
        state.withLock { state in
            var pids = state.recentHolders[socket.cgroupID] ?? []
            pids.removeAll { $0 == holder.pid }
            pids.insert(holder.pid, at: 0)
            state.recentHolders.set(socket.cgroupID, Array(pids.prefix(limits.holdersPerCgroup)))
        }
        return .found(holder)
    }

    /// Tries the fds where `pid` held sockets before.
    private func checkRemembered(_ pid: Int32, _ round: inout Round) -> Holder? {
        state.withLock { state in
            guard let record = state.processes[pid] else { return nil }
            for fd in record.socketFDs where confirms(pid, fd, round.target, record.startTime, &state) {
                let holder = Holder(pid: pid, fd: fd, startTime: record.startTime)
                state.inodes.set(round.target, holder)
                state.processes.update(pid) { $0.socketFDs = Self.promoting(fd, in: $0.socketFDs, limit: limits.socketFDsPerProcess) }
                return holder
            }
            return nil
        }
    }

    /// Reads every fd of `pid`, remembers the sockets, returns the target's holder.
    private func scan(_ pid: Int32, _ round: inout Round) -> Holder? {
        round.scanned.insert(pid)
        // The pidfd pins the process: if it is still alive after the scan,
        // the start time and fds we read were all its own.
        let pidfd = pinhole_pidfd_open(pid)
        guard pidfd >= 0 else {
            noteGone(pid, &round)
            return nil
        }
        var keepPidfd = false
        defer { if !keepPidfd { close(pidfd) } }
        guard let stat = try? ProcessInfoReader(procRoot: procRoot).stat(of: pid) else {
            noteGone(pid, &round)
            return nil
        }
        let uid = owner(of: pid) ?? UInt32.max
        let sockets: [(fd: Int32, inode: UInt64)]
        switch socketFDs(of: pid) {
        case .success(let list): sockets = list
        case .failure(let error):
            if error.kind == .permission { round.permissionDenied = true } else { noteGone(pid, &round) }
            return nil
        }
        guard !Self.hasExited(pidfd) else {
            noteGone(pid, &round)
            return nil
        }
        let target = sockets.first { $0.inode == round.target }
        return state.withLock { state in
            var fds = sockets.map(\.fd).filter { $0 != target?.fd }
            if let target { fds.insert(target.fd, at: 0) }
            var record = ProcessRecord(startTime: stat.startTime, uid: uid, pidfd: -1, socketFDs: Array(fds.prefix(limits.socketFDsPerProcess)))
            if let old = state.processes[pid], old.pidfd >= 0 {
                if old.startTime == stat.startTime {
                    record.pidfd = old.pidfd
                    record.fdDirectory = old.fdDirectory
                } else {
                    Self.closeDescriptors(of: old)
                    state.openPidfds -= 1
                }
            }
            // Keep pidfds for processes that send queries, not for every
            // socket holder a uid-wide search walks past. The pidfd proves
            // the process lived through the scan, so its fd directory is its own.
            if record.pidfd < 0, target != nil, state.openPidfds < limits.pidfds {
                record.pidfd = pidfd
                record.fdDirectory = open("\(procRoot)/\(pid)/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                keepPidfd = true
                state.openPidfds += 1
            }
            store(pid, record, &state)
            for socket in sockets {
                state.inodes.set(socket.inode, Holder(pid: pid, fd: socket.fd, startTime: stat.startTime))
            }
            return target.map { Holder(pid: pid, fd: $0.fd, startTime: stat.startTime) }
        }
    }

    private func noteGone(_ pid: Int32, _ round: inout Round) {
        if round.vanishedMatters { round.vanished = true }
        state.withLock { state in drop(pid, &state) }
    }

    // MARK: Process records

    private func store(_ pid: Int32, _ record: ProcessRecord, _ state: inout State) {
        for (_, evicted) in state.processes.set(pid, record) where evicted.pidfd >= 0 {
            Self.closeDescriptors(of: evicted)
            state.openPidfds -= 1
        }
    }

    private func drop(_ pid: Int32, _ state: inout State) {
        guard let record = state.processes.remove(pid) else { return }
        if record.pidfd >= 0 {
            Self.closeDescriptors(of: record)
            state.openPidfds -= 1
        }
    }

    /// Forgets the processes that are not in `running`, and their sockets.
    private func prune(keeping running: Set<Int32>) {
        state.withLock { state in
            let gone = state.processes.all.map(\.key).filter { !running.contains($0) }
            guard !gone.isEmpty else { return }
            for pid in gone { drop(pid, &state) }
            let goneSet = Set(gone)
            for (inode, holder) in state.inodes.all where goneSet.contains(holder.pid) {
                state.inodes.remove(inode)
            }
        }
    }

    /// Whether `pid` is still the process that started at `startTime`;
    /// forgets it when not.
    private func isAlive(_ pid: Int32, _ startTime: UInt64, _ state: inout State) -> Bool {
        guard let record = state.processes[pid], record.startTime == startTime else { return false }
        let alive: Bool
        if record.pidfd >= 0 {
            alive = !Self.hasExited(record.pidfd)
        } else {
            alive = (try? ProcessInfoReader(procRoot: procRoot).stat(of: pid).startTime) == startTime
        }
        if !alive { drop(pid, &state) }
        return alive
    }

    private static func closeDescriptors(of record: ProcessRecord) {
        if record.pidfd >= 0 { close(record.pidfd) }
        if record.fdDirectory >= 0 { close(record.fdDirectory) }
    }

    /// Whether the process `pid` that started at `startTime` holds `inode` at
    /// `fd` now. With a kept fd directory one readlinkat answers both (the
    /// directory of an exited process reads nothing); otherwise a readlink
    /// and a liveness check. A dead process is forgotten.
    private func confirms(_ pid: Int32, _ fd: Int32, _ inode: UInt64, _ startTime: UInt64, _ state: inout State) -> Bool {
        if let record = state.processes[pid], record.startTime == startTime, record.fdDirectory >= 0 {
            switch ProcFile.socketInode(at: record.fdDirectory, fd: fd) {
            case .some(let found): return found == inode
            case .none:
                // The fd is closed, or the process is gone: find out which.
                _ = isAlive(pid, startTime, &state)
                return false
            }
        }
        return holds(pid, fd, inode) && isAlive(pid, startTime, &state)
    }

    /// Whether the process behind `pidfd` has exited (readable pidfd).
    static func hasExited(_ pidfd: Int32) -> Bool {
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    // MARK: /proc reads

    /// Whether /proc/PID/fd/FD is "socket:[inode]".
    private func holds(_ pid: Int32, _ fd: Int32, _ inode: UInt64) -> Bool {
        (try? ProcFile.socketInode(atLink: "\(procRoot)/\(pid)/fd/\(fd)")) == inode
    }

    /// Every socket descriptor of `pid` and its inode.
    func socketFDs(of pid: Int32) -> Result<[(fd: Int32, inode: UInt64)], ProcessReadError> {
        let path = "\(procRoot)/\(pid)/fd"
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ProcessReadError(path: path, errno: errno)) }
        guard let stream = fdopendir(fd) else {
            let error = ProcessReadError(path: path, errno: errno)
            close(fd)
            return .failure(error)
        }
        defer { closedir(stream) }
        var sockets: [(fd: Int32, inode: UInt64)] = []
        var link = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while let entry = readdir(stream) {
            // Only symlinks are fds; skip "." and "..".
            guard entry.pointee.d_type == UInt8(DT_LNK) else { continue }
            let found: (Int32, UInt64)? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = raw.prefix { $0 != 0 }
                guard let number = Int32(decimal: name) else { return nil }
                let count = withUnsafeMutableBytes(of: &link) { buffer in
                    raw.withMemoryRebound(to: CChar.self) { readlinkat(fd, $0.baseAddress!, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count) }
                }
                guard count > 0 else { return nil }
                return withUnsafeBytes(of: &link) { ProcFile.socketInode(ofLinkText: $0[..<count]) }.map { (number, $0) }
            }
            if let found { sockets.append(found) }
        }
        return .success(sockets)
    }

    /// Every pid in /proc.
    func listPids() -> [Int32] {
        guard let stream = opendir(procRoot) else { return [] }
        defer { closedir(stream) }
        var pids: [Int32] = []
        while let entry = readdir(stream) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw in Int32(decimal: raw.prefix { $0 != 0 }) }
            if let pid { pids.append(pid) }
        }
        return pids
    }

    /// The processes among the last `limits.newestPids` pids handed out
    /// (counting down from /proc/sys/kernel/ns_last_pid) that are not known
    /// yet, are owned by the socket's uid and sit in its cgroup. Cheap
    /// checks first (one stat, then the small cgroup file); a pid there may
    /// be a thread, whose process (Tgid) is read only for a match.
    private func newestProcesses(of socket: SocketOwner, cgroups: CgroupTree) -> [Int32] {
        guard limits.newestPids > 0, let last = Self.integer(inFile: "\(procRoot)/sys/kernel/ns_last_pid") else { return [] }
        let pidMax = Self.integer(inFile: "\(procRoot)/sys/kernel/pid_max") ?? 4_194_304
        let reader = ProcessInfoReader(procRoot: procRoot)
        var cgroupIDs: [String: UInt64] = [:]
        var found: [Int32] = []
        var pid = last
        for _ in 0..<limits.newestPids {
            if pid < 1 { pid = pidMax - 1 }
            defer { pid -= 1 }
            guard owner(of: pid) == socket.uid, state.withLock({ $0.processes[pid] == nil }),
                let path = try? reader.cgroupPath(of: pid)
            else { continue }
            if cgroupIDs[path] == nil { cgroupIDs[path] = (try? CgroupTree.id(ofDirectory: cgroups.mountPoint + path)) ?? 0 }
            guard cgroupIDs[path] == socket.cgroupID, let tgid = try? reader.threadGroup(of: pid).tgid,
                !found.contains(tgid)
            else { continue }
            found.append(tgid)
        }
        return found
    }

    private static func integer(inFile path: String) -> Int32? {
        guard let bytes = try? ProcFile.read(path, limit: 64) else { return nil }
        return Int32(decimal: bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    }

    /// The owner (effective uid) of /proc/PID; nil when it is gone.
    private func owner(of pid: Int32) -> UInt32? {
        (try? ProcFile.status("\(procRoot)/\(pid)"))?.st_uid
    }

    private static func promoting(_ fd: Int32, in fds: [Int32], limit: Int) -> [Int32] {
        Array(([fd] + fds.filter { $0 != fd }).prefix(limit))
    }

    // MARK: Introspection for tests

    /// Number of cached socket inodes and processes.
    var counts: (inodes: Int, processes: Int, pidfds: Int) {
        state.withLock { ($0.inodes.count, $0.processes.count, $0.openPidfds) }
    }
}
