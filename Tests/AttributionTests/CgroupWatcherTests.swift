import Foundation
import Glibc
import Synchronization
import Testing
@testable import Attribution

/// The watcher on a real cgroup2 tree: a test cgroup below this process's
/// own, watched as if it were the root.
@Suite(.serialized) struct CgroupWatcherTests {
    @Test func reportsExistingCreatedPopulatedAndRemovedCgroups() throws {
        guard geteuid() == 0 else { return }  // mkdir in cgroupfs needs root
        let root = try TestCgroup(name: "watch")
        defer { root.remove() }
        guard mkdir(root.directory + "/pre.scope", 0o755) == 0 else { throw TestError("mkdir pre.scope: errno \(errno)") }
        defer { rmdir(root.directory + "/pre.scope") }

        let seen = Mutex<[CgroupEvent]>([])
        let watcher = try CgroupWatcher(mountPoint: root.directory) { events in seen.withLock { $0 += events } }
        try watcher.start()
        defer { watcher.stop() }
        #expect(seen.withLock { $0 } == [.appeared("/pre.scope")], "the first scan")

        // A cgroup and one inside it, made right after each other.
        #expect(mkdir(root.directory + "/x.scope", 0o755) == 0)
        #expect(mkdir(root.directory + "/x.scope/inner", 0o755) == 0)
        #expect(waitUntil { seen.withLock { $0.contains(.appeared("/x.scope/inner")) } }, "\(seen.withLock { $0 })")
        #expect(seen.withLock { $0.firstIndex(of: .appeared("/x.scope")) ?? 99 } < seen.withLock { $0.firstIndex(of: .appeared("/x.scope/inner")) ?? 0 })

        // Population: reported once a process moves in.
        #expect(!watcher.watchPopulation(of: "/x.scope"))
        let child = try ChildProcess("/bin/sleep", ["30"])
        try "\(child.pid)\n".write(toFile: root.directory + "/x.scope/cgroup.procs", atomically: false, encoding: .utf8)
        #expect(waitUntil { seen.withLock { $0.contains(.populated("/x.scope")) } }, "\(seen.withLock { $0 })")
        #expect(watcher.processes(in: "/x.scope") == [child.pid])
        child.stop()

        // Removal, deepest first as rmdir demands.
        _ = waitUntil { rmdir(root.directory + "/x.scope/inner") == 0 }
        _ = waitUntil { rmdir(root.directory + "/x.scope") == 0 }
        #expect(waitUntil { seen.withLock { $0.contains(.removed("/x.scope")) } }, "\(seen.withLock { $0 })")
        #expect(seen.withLock { $0.contains(.removed("/x.scope/inner")) })
        #expect(watcher.watchedCount == 2, "the root and pre.scope are left")
    }
}
