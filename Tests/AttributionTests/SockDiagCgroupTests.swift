import Attribution
import Foundation
import Glibc
import PinholeCore
import Testing
import TestSupport

/// The cgroup id sock_diag reports is the socket creator's cgroup, not
/// always the root's: a shell moved into a child cgroup of the test's own
/// opens a UDP socket (bash's /dev/udp) and sends; its socket must carry
/// the child cgroup's id (the inode of its directory).
@Suite struct SockDiagCgroupTests {
    /// Needs root to create a cgroup; under PINHOLE_REQUIRE_E2E=1 it runs
    /// (and fails) without.
    @Test(.enabled(if: getuid() == 0 || TestEnvironment.requireE2E, "needs root to create a cgroup"))
    func socketCarriesItsCreatorsCgroup() throws {
        let cgroup = try OwnCgroup.directory() + "/pinhole-sockdiag-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: cgroup, withIntermediateDirectories: false)
        defer { rmdir(cgroup) }
        var directory = stat()
        #expect(stat(cgroup, &directory) == 0)

        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        try server.setReceiveTimeout(seconds: 5)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        // $0 is the cgroup; the shell joins it before it opens the socket, then
        // waits for its stdin to close.
        shell.arguments = [
            "-c", "echo $$ > \"$0/cgroup.procs\" && exec 3<>/dev/udp/127.0.0.1/\(try server.localAddress().port) && printf q >&3 && read -r _",
            cgroup,
        ]
        let input = Pipe()
        shell.standardInput = input
        try shell.run()
        defer {
            try? input.fileHandleForWriting.close()
            shell.waitUntilExit()
        }

        let source = try server.receiveFrom()
        var socketFile = stat()
        #expect(stat("/proc/\(shell.processIdentifier)/fd/3", &socketFile) == 0)
        let request = AttributionRequest(transport: .udp, client: source.endpoint, local: try server.localAddress().endpoint)
        let owner = SocketOwner(uid: getuid(), inode: UInt64(socketFile.st_ino), cgroupID: UInt64(directory.st_ino))
        #expect(owner.cgroupID != (try OwnCgroup.id()))
        #expect(try SockDiag().owner(of: request) == .found(owner))
    }
}
