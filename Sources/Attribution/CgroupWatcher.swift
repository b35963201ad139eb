import CLinux
import Foundation
import Glibc

/// Watches the cgroup2 tree with inotify: every directory for created and
/// removed subdirectories (cgroupfs raises IN_CREATE / IN_DELETE for
/// mkdir / rmdir), recursively, and on request a cgroup's `cgroup.events`
/// (the kernel raises IN_MODIFY when `populated` changes).
///
/// `start()` adds the watches and reports every existing cgroup as
/// `.appeared` on the calling thread (the first scan), then a thread of its
/// own reports changes as they come, in batches, in order. A queue overflow
/// is answered with a rescan that reports what appeared and went meanwhile.
public final class CgroupWatcher: @unchecked Sendable {
    private enum Watched {
        case directory(String)
        case events(String)
    }

    /// Where cgroup2 is mounted.
    public let mountPoint: String
    private let handler: @Sendable ([CgroupEvent]) -> Void
    private let fd: Int32
    /// Its thread; `wake` stops it.
    private let runner: WatcherThread
    private var wake: Int32 { runner.wakeDescriptor }
    private let lock = NSLock()
    private var watches: [Int32: Watched] = [:]
    private var directories: [String: Int32] = [:]
    private var populationWatches: [String: Int32] = [:]

    /// Most cgroups watched; beyond it new ones are not reported (logged by the caller via the count).
    public static let watchLimit = 100_000

    /// - Parameters:
    ///   - mountPoint: the cgroup2 mount ("/sys/fs/cgroup").
    ///   - handler: called with each batch of events, on the watcher's thread
    ///     (on the caller's for the first scan).
    public init(mountPoint: String, handler: @escaping @Sendable ([CgroupEvent]) -> Void) throws(ProcessReadError) {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw ProcessReadError(path: "inotify_init1 for \(mountPoint)", errno: errno) }
        let runner: WatcherThread
        do throws(ProcessReadError) {
            runner = try WatcherThread(name: "pinhole-cgroups")
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.runner = runner
        self.mountPoint = mountPoint.count > 1 && mountPoint.hasSuffix("/") ? String(mountPoint.dropLast()) : mountPoint
        self.handler = handler
    }

    deinit {
        stop()
        close(fd)
    }

    /// Watches the whole tree, reports every cgroup in it as `.appeared`
    /// (parents first), then watches for changes on a thread of its own.
    /// - Throws: when the mount point itself cannot be watched.
    public func start() throws(ProcessReadError) {
        guard addWatch(directory: "/") != nil else {
            throw ProcessReadError(path: mountPoint, errno: errno)
        }
        var events: [CgroupEvent] = []
        for child in subdirectories(of: "/") { addTree(child, into: &events) }
        handler(events)
        runner.start { [self] in self.loop() }
    }

    /// Stops the thread (idempotent); the handler is not called after it returns.
    public func stop() {
        runner.stop()
    }

    /// Reports `.populated(path)` once the cgroup has a process (right away,
    /// from the caller's thread, when it has one already). Returns whether it did so now.
    @discardableResult
    public func watchPopulation(of path: String) -> Bool {
        let file = mountPoint + Self.normalized(path) + "/cgroup.events"
        lock.withLock {
            guard populationWatches[Self.normalized(path)] == nil else { return }
            let wd = inotify_add_watch(fd, file, UInt32(IN_MODIFY))
            guard wd >= 0 else { return }
            watches[wd] = .events(Self.normalized(path))
            populationWatches[Self.normalized(path)] = wd
        }
        return isPopulated(path)
    }

    /// Stops watching `path`'s population.
    public func unwatchPopulation(of path: String) {
        lock.withLock {
            guard let wd = populationWatches.removeValue(forKey: Self.normalized(path)) else { return }
            watches[wd] = nil
            inotify_rm_watch(fd, wd)
        }
    }

    /// Whether the cgroup at `path` has a process (its cgroup.events says `populated 1`).
    public func isPopulated(_ path: String) -> Bool {
        let file = mountPoint + Self.normalized(path) + "/cgroup.events"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains("populated 1")
    }

    /// The pids in the cgroup at `path`, in cgroup.procs order (empty when it has none or is gone).
    public func processes(in path: String) -> [Int32] {
        let file = mountPoint + Self.normalized(path) + "/cgroup.procs"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// How many cgroups are watched.
    public var watchedCount: Int { lock.withLock { directories.count } }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { continue }
            let events = decode(buffer[0..<count])
            if !events.isEmpty { handler(events) }
        }
    }

    /// Turns one read's inotify records into events, adding and dropping watches on the way.
    private func decode(_ bytes: ArraySlice<UInt8>) -> [CgroupEvent] {
        var events: [CgroupEvent] = []
        var offset = bytes.startIndex
        let header = 16  // struct inotify_event: wd, mask, cookie, len
        while offset + header <= bytes.endIndex {
            let wd = bytes.loadInt32(at: offset)
            let mask = UInt32(bitPattern: bytes.loadInt32(at: offset + 4))
            let length = Int(bytes.loadInt32(at: offset + 12))
            let nameBytes = bytes[(offset + header)..<min(offset + header + length, bytes.endIndex)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            offset += header + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                rescan(into: &events)
                continue
            }
            let watched = lock.withLock { watches[wd] }
            if mask & UInt32(IN_IGNORED) != 0 {
                lock.withLock {
                    if case .directory(let path)? = watches.removeValue(forKey: wd), directories[path] == wd {
                        directories[path] = nil
                    }
                }
                continue
            }
            switch watched {
            case .directory(let parent)?:
                guard mask & UInt32(IN_ISDIR) != 0, !name.isEmpty else { continue }
                let path = (parent == "/" ? "" : parent) + "/" + name
                if mask & UInt32(IN_CREATE) != 0 {
                    addTree(path, into: &events)
                } else if mask & UInt32(IN_DELETE) != 0 {
                    forget(path)
                    events.append(.removed(path))
                }
            case .events(let path)?:
                if mask & UInt32(IN_MODIFY) != 0, isPopulated(path) { events.append(.populated(path)) }
            case nil:
                continue
            }
        }
        return events
    }

    /// Watches `path` and everything below it (created before the watch
    /// existed, so no event came for them), reporting each as appeared.
    private func addTree(_ path: String, into events: inout [CgroupEvent]) {
        var pending = [path]
        while let next = pending.popLast() {
            guard lock.withLock({ directories[next] == nil }), watchedCount < Self.watchLimit else { continue }
            guard addWatch(directory: next) != nil else { continue }  // gone already
            events.append(.appeared(next))
            pending.append(contentsOf: subdirectories(of: next).reversed())
        }
    }

    /// After an overflow: report what appeared and went since.
    private func rescan(into events: inout [CgroupEvent]) {
        let known = lock.withLock { Array(directories.keys) }
        for path in known where path != "/" && !isDirectory(path) {
            forget(path)
            events.append(.removed(path))
        }
        var stack = ["/"]
        while let next = stack.popLast() {
            for child in subdirectories(of: next) {
                if lock.withLock({ directories[child] == nil }) {
                    addTree(child, into: &events)
                } else {
                    stack.append(child)
                }
            }
        }
    }

    private func addWatch(directory path: String) -> Int32? {
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_DONT_FOLLOW)
        let wd = inotify_add_watch(fd, mountPoint + (path == "/" ? "" : path), mask)
        guard wd >= 0 else { return nil }
        lock.withLock {
            watches[wd] = .directory(path)
            directories[path] = wd
        }
        return wd
    }

    private func forget(_ path: String) {
        lock.withLock {
            for (known, wd) in directories where known == path || known.hasPrefix(path + "/") {
                directories[known] = nil
                watches[wd] = nil
            }
            if let wd = populationWatches.removeValue(forKey: path) { watches[wd] = nil }
        }
    }

    private func subdirectories(of path: String) -> [String] {
        let directory = mountPoint + (path == "/" ? "" : path)
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var result: [String] = []
        while let entry = readdir(stream) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            result.append((path == "/" ? "" : path) + "/" + name)
        }
        return result.sorted()
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(mountPoint + path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// "/a/b" for "a/b", "/a/b/", "/a/b".
    static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}

extension ArraySlice where Element == UInt8 {
    /// The native-endian Int32 at `index`.
    fileprivate func loadInt32(at index: Int) -> Int32 {
        var value: Int32 = 0
        Swift.withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<4 { raw[i] = self[index + i] }
        }
        return value
    }
}
