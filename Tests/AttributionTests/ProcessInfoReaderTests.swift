import Foundation
import Glibc
import PinholeCore
import Testing
@testable import Attribution

@Suite struct ProcessInfoReaderTests {
    let reader = ProcessInfoReader()

    @Test func parsesCommWithSpacesAndParentheses() throws {
        let line = "4242 (a) b (c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200"
        let stat = try ProcessStat.parse(Array(line.utf8), path: "test")
        #expect(stat.comm == "a) b (c")
        #expect(stat.state == "S")
        #expect(stat.ppid == 17)
        #expect(stat.startTime == 987654)
    }

    @Test(arguments: ["4242 a S 1", "4242 (x) S 1 2 3", "4242 (x) S notanumber 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 5 1 2"])
    func rejectsMalformedStat(_ line: String) {
        #expect(throws: ProcessReadError.self) { try ProcessStat.parse(Array(line.utf8), path: "test") }
    }

    @Test func readsARealChild() throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        defer { child.stop() }
        // Process.run returns after the fork; wait for the exec to finish
        // (the name changes before the new argv is in place).
        for _ in 0..<200 where (try? reader.commandLine(of: child.pid)) != ["/bin/sleep", "30"] { usleep(10_000) }
        let details = try reader.details(of: child.pid)
        #expect(details.pid == child.pid)
        #expect(details.ppid == getpid())
        #expect(details.comm == "sleep")
        #expect(details.executable == realPath("/bin/sleep"))
        #expect(details.executableState == .present)
        #expect(details.commandLine == ["/bin/sleep", "30"])
        #expect(details.uid == getuid())
        #expect(details.cgroupPath == (try reader.cgroupPath(of: getpid())))
        #expect(details.ancestors.first == ProcessAncestor(pid: getpid(), name: try reader.stat(of: getpid()).comm))
        #expect(details.ancestors.last?.pid == 1)
        // A child starts after its parent.
        #expect(details.startTime >= (try reader.stat(of: getpid()).startTime))
    }

    /// `sleep 30` started from a copy of /bin/sleep named `name` in a fresh
    /// folder, once its exec is complete; the caller stops it and removes the folder.
    private func sleeperCopy(named name: String) throws -> (child: ChildProcess, path: String, directory: String) {
        let directory = try temporaryDirectory()
        let path = "\(directory)/\(name)"
        try FileManager.default.copyItem(atPath: realPath("/bin/sleep"), toPath: path)
        let child = try ChildProcess(path, ["30"])
        for _ in 0..<200 where (try? reader.commandLine(of: child.pid)) != [path, "30"] { usleep(10_000) }
        return (child, path, directory)
    }

    @Test func commFromAStrangeExecutableName() throws {
        let (child, path, directory) = try sleeperCopy(named: "a) b (c")
        defer { child.stop(); try? FileManager.default.removeItem(atPath: directory) }
        let details = try reader.details(of: child.pid)
        #expect(details.comm == "a) b (c")
        #expect(details.ppid == getpid())
        #expect(details.executable == path)
    }

    @Test func deletedExecutable() throws {
        let (child, path, directory) = try sleeperCopy(named: "sleeper")
        defer { child.stop(); try? FileManager.default.removeItem(atPath: directory) }
        #expect(try reader.executable(of: child.pid).state == .present)
        try FileManager.default.removeItem(atPath: path)
        let after = try reader.executable(of: child.pid)
        #expect(after.path == path)
        #expect(after.state == .deleted)
    }

    @Test func replacedExecutable() throws {
        let (child, path, directory) = try sleeperCopy(named: "sleeper")
        defer { child.stop(); try? FileManager.default.removeItem(atPath: directory) }
        // An upgrade: a new file renamed over the old name.
        try FileManager.default.copyItem(atPath: realPath("/bin/true"), toPath: "\(path).new")
        #expect(rename("\(path).new", path) == 0)
        let after = try reader.executable(of: child.pid)
        #expect(after.path == path)
        #expect(after.state == .replaced)
    }

    @Test func exitedProcessSaysExited() throws {
        let child = try ChildProcess("/bin/sleep", ["30"])
        let pid = child.pid
        child.stop()
        do {
            _ = try reader.details(of: pid)
            Issue.record("details of reaped pid \(pid) did not throw")
        } catch {
            #expect(error.kind == .exited)
            #expect(error.path.hasPrefix("/proc/\(pid)/"))
        }
    }

    @Test func userNames() {
        let names = UserNames()
        #expect(names.name(of: 0) == "root")
        #expect(names.name(of: 0) == "root")  // cached
        #expect(names.name(of: 4_000_000_000) == nil)
    }
}

/// The canonical path of `path` (/bin is a link to /usr/bin on merged-/usr systems).
func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// A fresh directory under /tmp.
func temporaryDirectory() throws -> String {
    var template = Array("/tmp/pinhole-procfs-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw TestError("mkdtemp: errno \(errno)") }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
