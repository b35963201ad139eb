import Foundation
import Glibc
import PinholeCore
import Testing
@testable import Attribution

@Suite(.serialized) struct ProcessIndexTests {
    @Test func findsTheChildHoldingASocketInItsCgroup() throws {
        let cgroup = try TestCgroup(name: "index.scope")
        let (child, fd) = try ChildProcess.udpSocketHolder()
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let inode = try socketInode(pid: child.pid, fd: fd)
        let socket = SocketOwner(uid: getuid(), inode: inode, cgroupID: try cgroup.id)
        let index = ProcessIndex(cgroups: try CgroupTree())

        #expect(index.cachedHolder(of: socket) == nil)
        let lookup = index.findHolder(of: socket)
        guard case .found(let holder) = lookup else {
            Issue.record("socket \(inode) of pid \(child.pid) not found: \(lookup)")
            return
        }
        #expect(holder.pid == child.pid)
        #expect(holder.fd == fd)
        #expect(holder.startTime == (try ProcessInfoReader().stat(of: child.pid).startTime))
        // Now cached, and checked against the kernel.
        #expect(index.cachedHolder(of: socket) == holder)
        #expect(index.counts.pidfds == 1)

        child.stop()
        #expect(index.cachedHolder(of: socket) == nil)
        #expect(index.findHolder(of: socket) == .notHeld)
        #expect(index.counts.pidfds == 0)
    }

    /// In a crowded cgroup (here: any, crowdedCgroup 0) a new process is
    /// found among the newest pids, before the cgroup's process list.
    @Test func aNewProcessInACrowdedCgroupIsFoundAmongTheNewestPids() throws {
        let cgroup = try TestCgroup(name: "crowded.scope")
        let (first, firstFD) = try ChildProcess.udpSocketHolder()
        defer { first.stop(); cgroup.remove() }
        try cgroup.add(first.pid)
        var limits = ProcessIndex.Limits()
        limits.crowdedCgroup = 0
        let index = ProcessIndex(cgroups: try CgroupTree(), limits: limits)
        let firstSocket = SocketOwner(uid: getuid(), inode: try socketInode(pid: first.pid, fd: firstFD), cgroupID: try cgroup.id)
        #expect(index.findHolder(of: firstSocket) == .found(ProcessIndex.Holder(
            pid: first.pid, fd: firstFD, startTime: try ProcessInfoReader().stat(of: first.pid).startTime)))

        // The socket is made in the cgroup: the child moves itself there first.
        let script = """
        import socket, time
        open("\(cgroup.directory)/cgroup.procs", "w").write("0")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
        print(s.fileno(), flush=True)
        time.sleep(60)
        """
        let second = try ChildProcess("/usr/bin/python3", ["-c", script])
        defer { second.stop() }
        let fd = try #require(Int32(second.readLine()?.trimmingCharacters(in: .whitespaces) ?? ""))
        let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: second.pid, fd: fd), cgroupID: try cgroup.id)
        guard case .found(let holder) = index.findHolder(of: socket) else {
            Issue.record("the new process \(second.pid) was not found")
            return
        }
        #expect(holder.pid == second.pid && holder.fd == fd)
    }

    /// A new socket at the same fd number (what glibc does per lookup) is
    /// found from the cache of the cgroup's recent holders, without a scan.
    @Test func aNewSocketAtTheSameFDIsACacheHit() throws {
        let cgroup = try TestCgroup(name: "reopen.scope")
        // The child makes a second socket on request, reusing the fd number.
        let extra = """
        import sys, threading
        def again():
            global s
            sys.stdin.readline(); n = s.fileno(); s.close()
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
            assert s.fileno() == n
            print("again", flush=True)
        threading.Thread(target=again, daemon=True).start()
        """
        let stdin = Pipe()
        let script = """
        import socket, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        \(extra)
        print(s.fileno(), flush=True)
        time.sleep(60)
        """
        let child = try ChildProcess("/usr/bin/python3", ["-c", script], stdin: stdin)
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        guard let line = child.readLine(), let fd = Int32(line) else { throw TestError("no fd from child") }
        let cgroupID = try cgroup.id
        let index = ProcessIndex(cgroups: try CgroupTree())
        let first = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: cgroupID)
        guard case .found = index.findHolder(of: first) else { throw TestError("first socket not found") }

        stdin.fileHandleForWriting.write("go\n".data(using: .utf8)!)
        #expect(child.readLine() == "again")
        let second = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: cgroupID)
        #expect(second.inode != first.inode)
        #expect(index.cachedHolder(of: second)?.pid == child.pid)
        #expect(index.cachedHolder(of: first) == nil)
    }

    /// A socket passed to a process in another cgroup is found through the uid.
    @Test func findsASocketHeldOutsideItsCgroup() throws {
        let home = try TestCgroup(name: "home.scope")
        let elsewhere = try TestCgroup(name: "elsewhere.scope")
        let (child, fd) = try ChildProcess.udpSocketHolder()
        defer { child.stop(); home.remove(); elsewhere.remove() }
        try elsewhere.add(child.pid)
        let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: try home.id)
        let index = ProcessIndex(cgroups: try CgroupTree())
        #expect(index.findHolder(of: socket) == .found(ProcessIndex.Holder(pid: child.pid, fd: fd, startTime: try ProcessInfoReader().stat(of: child.pid).startTime)))
    }

    /// Without open_by_handle_at (no CAP_DAC_READ_SEARCH) the tree walk finds the cgroup.
    @Test func cgroupTreeWalkFindsTheSamePids() throws {
        let cgroup = try TestCgroup(name: "walk.scope")
        let child = try ChildProcess("/bin/sleep", ["30"])
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let tree = try CgroupTree()
        #expect(try tree.pids(inCgroup: cgroup.id) == [child.pid])
        tree.disableHandles()
        #expect(try tree.pids(inCgroup: cgroup.id) == [child.pid])
        #expect(throws: ProcessReadError.self) { try tree.pids(inCgroup: UInt64.max - 1) }
    }

    /// A pid reused by another process (new start time) is never answered
    /// from the cache: staged in a fake /proc, with start-time validation
    /// (no pidfds) so the fake start time is what decides.
    @Test func pidReuseDropsTheCachedHolder() throws {
        let proc = try FakeProc()
        let pid = getpid()  // a live pid, so pidfd_open succeeds while scanning
        try proc.write(pid: pid, startTime: 100, sockets: [7: 555])
        var limits = ProcessIndex.Limits()
        limits.pidfds = 0
        let index = ProcessIndex(procRoot: proc.root, cgroups: nil, limits: limits)
        let socket = SocketOwner(uid: getuid(), inode: 555, cgroupID: 1)
        #expect(index.findHolder(of: socket) == .found(ProcessIndex.Holder(pid: pid, fd: 7, startTime: 100)))
        #expect(index.cachedHolder(of: socket)?.startTime == 100)

        // Same pid, same fd, same socket, but another process.
        try proc.write(pid: pid, startTime: 200, sockets: [7: 555])
        #expect(index.cachedHolder(of: socket) == nil)
        #expect(index.findHolder(of: socket) == .found(ProcessIndex.Holder(pid: pid, fd: 7, startTime: 200)))

        // The fd closed: no holder.
        try proc.write(pid: pid, startTime: 200, sockets: [:])
        #expect(index.cachedHolder(of: socket) == nil)
        #expect(index.findHolder(of: socket) == .notHeld)
    }

    @Test func boundedMapEvictsOldestFirst() {
        var map = BoundedMap<Int, String>(capacity: 2)
        map.set(1, "a")
        map.set(2, "b")
        map.remove(1)
        map.set(3, "c")
        let evicted = map.set(4, "d")
        #expect(evicted.map(\.key) == [2])
        #expect(map.count == 2)
        #expect(map[3] == "c" && map[4] == "d" && map[1] == nil)
        for i in 5..<1000 { map.set(i, "x") }
        #expect(map.count == 2)
    }
}
