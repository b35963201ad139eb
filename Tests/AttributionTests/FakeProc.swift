import Foundation
import Glibc

/// A /proc look-alike in a temporary directory: stat, status, cmdline,
/// cgroup, exe and fd links written by the test, so pid reuse (a new start
/// time under the same pid) can be staged.
final class FakeProc {
    let root: String

    init() throws {
        root = try temporaryDirectory()
    }

    /// Writes process `pid` with `startTime`, holding `sockets` (fd → inode).
    func write(pid: Int32, startTime: UInt64, comm: String = "fake", exe: String = "/bin/sleep",
               cgroup: String = "/app-a.scope", sockets: [Int32: UInt64] = [:]) throws {
        let directory = "\(root)/\(pid)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: "\(directory)/fd", withIntermediateDirectories: true)
        let stat = "\(pid) (\(comm)) S 1 \(pid) \(pid) 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 \(startTime) 1000 200\n"
        try stat.write(toFile: "\(directory)/stat", atomically: false, encoding: .utf8)
        try "Name:\t\(comm)\nUid:\t1000\t1000\t1000\t1000\n".write(toFile: "\(directory)/status", atomically: false, encoding: .utf8)
        try "\(exe)\u{0}--start=\(startTime)\u{0}".write(toFile: "\(directory)/cmdline", atomically: false, encoding: .utf8)
        try "0::\(cgroup)\n".write(toFile: "\(directory)/cgroup", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/exe", withDestinationPath: realPath(exe))
        for (fd, inode) in sockets {
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/fd/\(fd)", withDestinationPath: "socket:[\(inode)]")
        }
    }

    /// Makes `pid` vanish.
    func remove(pid: Int32) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(pid)")
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}
