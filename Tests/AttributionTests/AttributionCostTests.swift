import Foundation
import Glibc
import PinholeCore
import Testing
@testable import Attribution

/// Costs of the attributor, printed for the issue note. Opt-in
/// (PINHOLE_BENCH=1): it starts hundreds of processes.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["PINHOLE_BENCH"] == "1"))
struct AttributionCostTests {
    static func micros(_ body: () -> Void) -> Double {
        var start = timespec()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        body()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3
    }

    static func report(_ name: String, _ samples: [Double]) {
        let sorted = samples.sorted()
        let p = { (q: Double) in sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        print(String(format: "COST %@: n=%d p50=%.1f µs p99=%.1f µs max=%.1f µs", name, sorted.count, p(0.5), p(0.99), sorted.last!))
    }

    @Test func cachedIdentity() throws {
        let cgroup = try TestCgroup(name: "cost.scope")
        let (child, fd) = try ChildProcess.udpSocketHolder()
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: try cgroup.id)
        let subject = ProcessAttributor(socketLookup: StubSocketLookup(.found(socket)), isLocalAddress: { _ in true }, index: ProcessIndex(cgroups: try CgroupTree()))
        #expect(attribute(subject).0.app?.pid == child.pid)
        let request = AttributionRequest(transport: .udp, client: ClientEndpoint(address: "127.0.0.1", port: 1), local: nil)
        var samples: [Double] = []
        let hits = Locked(0)
        for _ in 0..<5000 {
            samples.append(Self.micros { subject.attribute(request) { if $0.app != nil { hits.set(hits.get() + 1) } } })
        }
        #expect(hits.get() == 5000)
        Self.report("cached identity (stub socket lookup)", samples)
    }

    /// First query of a new process, with `others` processes of the same uid
    /// running (each with a few fds) in another cgroup.
    @Test(arguments: [false, true])
    func firstLookup(socketCgroupMoved: Bool) throws {
        let others = Int(ProcessInfo.processInfo.environment["PINHOLE_BENCH_OTHERS"] ?? "") ?? 1000
        let crowd = try TestCgroup(name: "crowd.scope")
        var sleepers: [ChildProcess] = []
        defer { sleepers.forEach { $0.stop() }; crowd.remove() }
        for _ in 0..<others {
            let sleeper = try ChildProcess("/bin/sleep", ["120"])
            try crowd.add(sleeper.pid)
            sleepers.append(sleeper)
        }
        let index = ProcessIndex(cgroups: try CgroupTree())
        var samples: [Double] = []
        for round in 0..<20 {
            let cgroup = try TestCgroup(name: "first-\(round).scope")
            let (child, fd) = try ChildProcess.udpSocketHolder()
            defer { child.stop(); cgroup.remove() }
            try cgroup.add(child.pid)
            // The socket's cgroup is where it was made; a process that moved
            // since is found only through its uid.
            let socketCgroup = socketCgroupMoved ? try crowd.id : try cgroup.id
            let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: socketCgroup)
            let subject = ProcessAttributor(socketLookup: StubSocketLookup(.found(socket)), isLocalAddress: { _ in true }, index: index)
            let request = AttributionRequest(transport: .udp, client: ClientEndpoint(address: "127.0.0.1", port: 1), local: nil)
            var answer: Attribution?
            samples.append(Self.micros { answer = subject.resolve(request, socket) })
            #expect(answer?.app?.pid == child.pid)
        }
        Self.report("first lookup, \(others) others, \(socketCgroupMoved ? "holder outside the socket's cgroup (uid step)" : "holder in the socket's cgroup")", samples)
    }
}
