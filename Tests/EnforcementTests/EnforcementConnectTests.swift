import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The table at work: programs in cgroups of the private namespace dial an
/// address behind a veth (not loopback: `oif lo accept` lets that through).
/// 10.77.0.2 never answers, so a connect that is let through is still
/// waiting when `timeout` kills it, and one that is rejected fails at once.
/// (SIGKILL: spawned from the test process, bash blocked in connect
/// outlived timeout's SIGTERM for ~3 s; an inherited signal mask, likely.)
@Suite struct EnforcementConnectTests {
    /// timeout's status when it killed the command with SIGKILL.
    static let letThrough: Int32 = 137

    /// A TCP connect from a new process in `cgroup` ("/a.scope"): exit status and stderr.
    static func connectScript(_ cgroup: String, to address: String = "10.77.0.2") -> String {
        "echo $$ > /sys/fs/cgroup\(cgroup)/cgroup.procs && exec timeout -s KILL 0.5 bash -c 'exec 3<>/dev/tcp/\(address)/80'"
    }

    @Test func governedAppsReachOnlyWhatIsPinned() throws {
        let ns = try NamespacedThread()
        try ns.addVeth()
        let (nft, app, child, other) = try ns.run { () throws -> (Nftables, String, String, String) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let app = try makeCgroup("conn-a.scope")
            let child = app + "/inner"
            guard mkdir("/sys/fs/cgroup" + child, 0o755) == 0 else { throw TestFailure("mkdir \(child): errno \(errno)") }
            return (nft, app, child, try makeCgroup("conn-b.scope"))
        }
        defer { _ = try? ns.run { removeCgroup(child); removeCgroup(app); removeCgroup(other) } }
        let (pinner, governed) = try ns.run { (try NetlinkPinner(), try GovernedSet()) }

        // Nothing governed: the SYN leaves, nobody answers.
        #expect(try ns.shell(Self.connectScript(app)).status == Self.letThrough)

        #expect(try ns.run { try governed.govern(app) })
        let refused = try ns.shell(Self.connectScript(app))
        #expect(refused.status == 1)
        #expect(refused.output.contains("Connection refused"))
        // A cgroup below a governed one (depth 2) is governed too.
        #expect(try ns.shell(Self.connectScript(child)).output.contains("Connection refused"))
        // UDP is rejected as well (locally: the send fails).
        let udp = try ns.shell("echo $$ > /sys/fs/cgroup\(app)/cgroup.procs && exec bash -c 'echo x > /dev/udp/10.77.0.2/53'")
        #expect(udp.output.contains("Operation not permitted"))
        // Another app is not governed.
        #expect(try ns.shell(Self.connectScript(other)).status == Self.letThrough)

        // Pinned: let through, for the app and what runs below it; another address stays refused.
        _ = try ns.run { try pinner.pin(cgroupPath: app, addresses: [IPAddress("10.77.0.2")!], timeout: 60) }
        #expect(try ns.shell(Self.connectScript(app)).status == Self.letThrough)
        #expect(try ns.shell(Self.connectScript(child)).status == Self.letThrough)
        #expect(try ns.shell(Self.connectScript(app, to: "10.77.0.3")).output.contains("Connection refused"))

        // Ungoverned: everything goes again.
        #expect(try ns.run { try governed.ungovern(app) })
        #expect(try ns.shell(Self.connectScript(app, to: "10.77.0.3")).status == Self.letThrough)

        // The rejects were counted.
        let rules = try ns.run { try nft.run("list chain inet pinhole out") }
        #expect(rules.contains("meta l4proto tcp socket cgroupv2 level 1 @governed counter packets 3 "))
        #expect(rules.contains("socket cgroupv2 level 1 @governed counter packets 1 "))
    }
}
