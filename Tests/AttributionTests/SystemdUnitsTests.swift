import Foundation
import Glibc
import Testing
@testable import Attribution

@Suite(.serialized) struct SystemdUnitsTests {
    @Test(arguments: [
        ("/system.slice/nginx.service", "nginx.service", nil, "system.slice"),
        ("/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service", nil, "system-getty.slice"),
        ("/user.slice/user-1000.slice/session-3.scope", "session-3.scope", nil, "user-1000.slice"),
        ("/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope",
         "user@1000.service", "app-gnome-firefox-4242.scope", "user-1000.slice"),
        ("/user.slice/user-1000.slice/user@1000.service/init.scope", "user@1000.service", "init.scope", "user-1000.slice"),
        ("/system.slice/docker-abc.scope/inner", "docker-abc.scope", nil, "system.slice"),
        ("/app-a.scope", "app-a.scope", nil, "-.slice"),
        ("/", nil, nil, "-.slice"),
        ("/user.slice/user-1000.slice", nil, nil, "user-1000.slice"),
    ] as [(String, String?, String?, String)])
    func derivedFromCgroupPath(_ path: String, _ unit: String?, _ userUnit: String?, _ slice: String) {
        let units = SystemdUnits(cgroupPath: path)
        #expect(units.unit == unit)
        #expect(units.userUnit == userUnit)
        #expect(units.slice == slice)
    }

    /// Outside a systemd layout (this host: hybrid, everything in "/"), the
    /// units come from the cgroup path.
    @Test func fallsBackToTheCgroupPath() throws {
        let cgroup = try TestCgroup(name: "fallback.scope")
        let child = try ChildProcess("/bin/sleep", ["30"])
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let path = try ProcessInfoReader().cgroupPath(of: child.pid)
        #expect(path == cgroup.path)
        let units = SystemdUnits.of(pid: child.pid, cgroupPath: path)
        #expect(units.unit == String(cgroup.path.dropFirst()))
        #expect(units.userUnit == nil)
    }

    /// libsystemd itself, in a private mount namespace with cgroup2 at
    /// /sys/fs/cgroup (a modern layout), names the scope of a real process.
    @Test func libsystemdInAPrivateMountNamespace() throws {
        let cgroup = try TestCgroup(name: "app-a.scope")
        let child = try ChildProcess("/bin/sleep", ["30"])
        defer { child.stop(); cgroup.remove() }
        try cgroup.add(child.pid)
        let pid = child.pid
        let answer = try inPrivateMountNamespace { () -> SystemdUnits in
            SystemdUnits.fromLibsystemd(pid: pid)
        }
        #expect(answer.unit == String(cgroup.path.dropFirst()))
        #expect(answer.userUnit == nil)
        #expect(answer.slice == "-.slice")
        // The derived answer agrees with libsystemd's.
        #expect(SystemdUnits(cgroupPath: cgroup.path) == answer)
    }
}

/// Runs `body` on a new thread that has its own mount namespace with
/// cgroup2 mounted at /sys/fs/cgroup; the namespace dies with the thread.
func inPrivateMountNamespace<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
    typealias Unshare = @convention(c) (Int32) -> Int32
    // Glibc's module leaves unshare out (_GNU_SOURCE); libc has it.
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "unshare") else {
        throw TestError("no unshare in libc")
    }
    let unshare = unsafeBitCast(symbol, to: Unshare.self)
    let result = Locked<Result<T, TestError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        defer { done.signal() }
        let CLONE_NEWNS: Int32 = 0x0002_0000
        guard unshare(CLONE_NEWNS) == 0 else { return result.set(.failure(TestError("unshare(CLONE_NEWNS): errno \(errno)"))) }
        guard mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            return result.set(.failure(TestError("mount --make-rprivate /: errno \(errno)")))
        }
        guard mount("none", "/sys/fs/cgroup", "cgroup2", 0, nil) == 0 else {
            return result.set(.failure(TestError("mount cgroup2 on /sys/fs/cgroup: errno \(errno)")))
        }
        result.set(.success(body()))
    }
    thread.start()
    done.wait()
    guard let outcome = result.get() else { throw TestError("namespace thread gave no result") }
    return try outcome.get()
}

/// A value shared with another thread.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
