import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The netlink elements at work in the ruleset: a cgroup governed
/// (`GovernedSet`) and pinned (`BatchingPinner`) by numeric id is refused elsewhere and let through to what
/// was pinned, itself and the cgroups below it (same setup as
/// `EnforcementConnectTests`: 10.77.0.2 behind a veth never answers).
@Suite struct NetlinkConnectTests {
    @Test func elementsAddedByIDGovernAndOpen() throws {
        let ns = try NamespacedThread()
        try ns.addVeth()
        let (pinner, governed, app, child) = try ns.run { () throws -> (BatchingPinner, GovernedSet, String, String) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            let app = try makeCgroup("nlconn-a.scope")
            let child = app + "/inner"
            guard mkdir("/sys/fs/cgroup" + child, 0o755) == 0 else { throw TestFailure("mkdir \(child): errno \(errno)") }
            return (BatchingPinner(try NetlinkPinner()) { error in Issue.record("pin failed: \(error)") }, try GovernedSet(), app, child)
        }
        defer { pinner.stop(); _ = try? ns.run { removeCgroup(child); removeCgroup(app) } }
        let script = EnforcementConnectTests.connectScript

        #expect(try ns.run { try governed.govern(String(app.dropFirst())) })
        #expect(try ns.shell(script(app, "10.77.0.2")).output.contains("Connection refused"))
        #expect(try ns.shell(script(child, "10.77.0.2")).output.contains("Connection refused"))

        let done = DispatchSemaphore(value: 0)
        try ns.run { pinner.pin([IPAddress("10.77.0.2")!], cgroupPath: String(app.dropFirst()), seconds: 60) { done.signal() } }
        done.wait()
        #expect(try ns.shell(script(app, "10.77.0.2")).status == EnforcementConnectTests.letThrough)
        #expect(try ns.shell(script(child, "10.77.0.2")).status == EnforcementConnectTests.letThrough)
        #expect(try ns.shell(script(app, "10.77.0.3")).output.contains("Connection refused"))
    }
}
