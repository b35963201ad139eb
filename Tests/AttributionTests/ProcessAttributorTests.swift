import Foundation
import Glibc
import PinholeCore
import Synchronization
import Testing
@testable import Attribution

/// A socket table that answers what the test says.
final class StubSocketLookup: SocketLookup {
    let answers: Mutex<[SocketLookupResult]>
    let calls = Atomic<Int>(0)

    /// Answers `answers` in turn, repeating the last one.
    init(_ answers: SocketLookupResult...) { self.answers = Mutex(answers) }

    func owner(of request: AttributionRequest) -> SocketLookupResult {
        calls.add(1, ordering: .relaxed)
        return answers.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
    }
}

/// Runs `attribute` and reports whether the completion ran on the calling
/// thread (the fast path) rather than the background queue.
func attribute(_ attributor: ProcessAttributor, from address: String = "127.0.0.1") -> (Attribution, synchronous: Bool) {
    let request = AttributionRequest(transport: .udp, client: ClientEndpoint(address: address, port: 40000), local: nil)
    let result = Locked<(Attribution, Bool)?>(nil)
    let done = DispatchSemaphore(value: 0)
    let caller = pthread_self()
    attributor.attribute(request) { attribution in
        result.set((attribution, pthread_equal(pthread_self(), caller) != 0))
        done.signal()
    }
    done.wait()
    let (attribution, synchronous) = result.get()!
    return (attribution, synchronous)
}

@Suite(.serialized) struct ProcessAttributorTests {
    static let loopbackOnly: @Sendable (IPAddress) -> Bool = { $0 == IPAddress("127.0.0.1") || $0 == IPAddress("::1") }

    /// An attributor asking `lookup` for every query (`reuseWindow` zero) unless told otherwise.
    func attributor(
        _ lookup: StubSocketLookup, index: ProcessIndex? = nil, reader: IdentityReader = IdentityReader(),
        reuseWindow: Duration = .zero
    ) throws -> ProcessAttributor {
        ProcessAttributor(
            socketLookup: lookup, isLocalAddress: Self.loopbackOnly, index: try index ?? ProcessIndex(cgroups: CgroupTree()),
            reader: reader, reuseWindow: reuseWindow)
    }

    @Test func aBurstFromOneTupleIsLookedUpOnceWithinTheWindow() throws {
        let cgroup = try TestCgroup(name: "app-r.scope")
        let (child, fd) = try ChildProcess.udpSocketHolder()
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: try cgroup.id)
        let lookup = StubSocketLookup(.found(socket))
        let subject = try attributor(lookup, reuseWindow: .milliseconds(200))

        let (first, _) = attribute(subject)
        let (second, secondSynchronous) = attribute(subject)
        #expect(first.app?.pid == child.pid && second == first && secondSynchronous)
        #expect(lookup.calls.load(ordering: .relaxed) == 1)

        // Another tuple is asked for; after the window the first is asked again.
        _ = attribute(subject, from: "127.0.0.2")
        #expect(lookup.calls.load(ordering: .relaxed) == 2)
        usleep(250_000)
        _ = attribute(subject)
        #expect(lookup.calls.load(ordering: .relaxed) == 3)
    }

    @Test func unknownsAreNotReused() throws {
        let lookup = StubSocketLookup(.notFound)
        let subject = try attributor(lookup, reuseWindow: .seconds(10))
        _ = attribute(subject)
        _ = attribute(subject)
        #expect(lookup.calls.load(ordering: .relaxed) == 2)
    }

    @Test func attributesARealProcessThenAnswersFromTheCache() throws {
        let cgroup = try TestCgroup(name: "app-b.scope")
        let (child, fd) = try ChildProcess.udpSocketHolder()
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let socket = SocketOwner(uid: getuid(), inode: try socketInode(pid: child.pid, fd: fd), cgroupID: try cgroup.id)
        let subject = try attributor(StubSocketLookup(.found(socket)))

        let (first, firstSynchronous) = attribute(subject)
        #expect(!firstSynchronous)
        let app = try #require(first.app)
        #expect(app.pid == child.pid)
        #expect(app.executable == realPath("/usr/bin/python3"))
        #expect(app.commandLine.first == "/usr/bin/python3")
        #expect(app.ancestors.first?.pid == getpid())
        #expect(app.uid == getuid())
        #expect(app.userName == "root")
        #expect(app.cgroupPath == cgroup.path)
        #expect(app.unit == String(cgroup.path.dropFirst()))
        #expect(app.key == String(cgroup.path.dropFirst()))
        #expect(first.socket == socket)

        let (second, secondSynchronous) = attribute(subject)
        #expect(secondSynchronous)
        #expect(second == first)

        // Exited: the socket is still (stub) there but nobody holds it.
        child.stop()
        let (third, _) = attribute(subject)
        #expect(third.app == nil)
        #expect(third.reason == .noSocket)
    }

    @Test func reasonsWithoutAProcess() throws {
        #expect(attribute(try attributor(StubSocketLookup(.notFound))).0 == .unknown(.exited))
        #expect(attribute(try attributor(StubSocketLookup(.notFound)), from: "192.0.2.7").0 == .unknown(.remote))
        #expect(attribute(try attributor(StubSocketLookup(.permissionDenied))).0 == .unknown(.permission))
        #expect(attribute(try attributor(StubSocketLookup(.failed("netlink: boom")))).0 == .unknown(.noSocket))
        // Found by sock_diag, held by nobody we can see; then gone at the re-check.
        let orphan = SocketOwner(uid: 4_000_000_000, inode: 1, cgroupID: UInt64.max - 1)
        let answer = attribute(try attributor(StubSocketLookup(.found(orphan)))).0
        #expect(answer == .unknown(.noSocket, socket: orphan))
        #expect(attribute(try attributor(StubSocketLookup(.found(orphan), .notFound))).0 == .unknown(.exited, socket: orphan))
    }

    /// An attributor over a fake /proc where this test's pid runs /bin/sleep
    /// (start time 100) holding socket 555 at fd 7; no pidfds, so liveness
    /// is read from the fake stat.
    func fakeProcAttributor(_ lookup: StubSocketLookup) throws -> (FakeProc, ProcessAttributor) {
        let proc = try FakeProc()
        try proc.write(pid: getpid(), startTime: 100, exe: "/bin/sleep", sockets: [7: 555])
        var limits = ProcessIndex.Limits()
        limits.pidfds = 0
        let index = ProcessIndex(procRoot: proc.root, cgroups: nil, limits: limits)
        let reader = IdentityReader(processes: ProcessInfoReader(procRoot: proc.root), useLibsystemd: false)
        return (proc, try attributor(lookup, index: index, reader: reader))
    }

    /// exec keeps pid and start time but changes the program: the next new
    /// socket gets the new program's identity.
    @Test func anExecIsNoticedAtTheNextNewSocket() throws {
        let pid = getpid()
        let (proc, subject) = try fakeProcAttributor(StubSocketLookup(
            .found(SocketOwner(uid: getuid(), inode: 555, cgroupID: 1)), .found(SocketOwner(uid: getuid(), inode: 556, cgroupID: 1))))
        #expect(attribute(subject).0.app?.executable == realPath("/bin/sleep"))

        try proc.write(pid: pid, startTime: 100, exe: "/bin/true", sockets: [7: 556])
        let after = attribute(subject).0
        #expect(after.app?.executable == realPath("/bin/true"))
        #expect(after.app?.startTime == 100)
    }

    /// A reused pid gets its own identity, never the cached one.
    @Test func pidReuseGetsAFreshIdentity() throws {
        let pid = getpid()
        let (proc, subject) = try fakeProcAttributor(StubSocketLookup(.found(SocketOwner(uid: getuid(), inode: 555, cgroupID: 1))))

        let first = attribute(subject)
        #expect(first.0.app?.executable == realPath("/bin/sleep"))
        #expect(first.0.app?.startTime == 100)
        #expect(first.0.app?.key == "app-a.scope")
        #expect(attribute(subject).synchronous)

        try proc.write(pid: pid, startTime: 200, exe: "/bin/true", cgroup: "/user.slice/user-1000.slice/session-2.scope", sockets: [7: 555])
        let (second, synchronous) = attribute(subject)
        #expect(!synchronous)
        #expect(second.app?.startTime == 200)
        #expect(second.app?.executable == realPath("/bin/true"))
        #expect(second.app?.key == realPath("/bin/true"))
        #expect(second.app?.unit == "session-2.scope")
        #expect(second.app?.commandLine == ["/bin/true", "--start=200"])
    }
}
