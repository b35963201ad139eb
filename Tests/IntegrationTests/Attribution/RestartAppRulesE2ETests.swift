import Foundation
import Glibc
import Testing
import TestSupport

/// A profile edited while pinholed is down takes effect at the next start,
/// without any DNS query: the app-rule elements a killed pinholed left in
/// the table (`restricted`, `ifaces`, `static4/6`) are adopted and brought
/// to the new profiles as the governor decides the existing cgroups. The
/// real pinholed in a namespace sandbox, its sets read with nft, real
/// connects over veth0 (192.0.2.0/24, 2001:db8::/64) and wg0 (198.51.100.0/24).
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct RestartAppRulesE2ETests {
    @Test func rulesDroppedWhilePinholedWasDownAreRemovedAtTheNextStart() throws {
        let world = try ProactiveAppRulesE2ETests.World(profiles: [
            "printer": "mode = \"enforce\"\nallow_cidrs = [\"192.0.2.2/32\", \"2001:db8::2/128\"]\n[match]\nunit = \"printer.scope\"\n",
            "only-wg0": "mode = \"learn\"\ninterfaces = [\"wg0\"]\n[match]\nunit = \"only-wg0.scope\"\n",
            "kept": "mode = \"learn\"\ninterfaces = [\"wg0\"]\n[match]\nunit = \"kept.scope\"\n",
        ])
        for cgroup in ["printer.scope", "only-wg0.scope", "kept.scope"] { try world.sandbox.makeCgroup(cgroup) }
        try world.waitFor("static4", "printer.scope's range") { $0 == ["printer.scope . 192.0.2.2"] }
        try world.waitFor("static6", "printer.scope's v6 range") { $0 == ["printer.scope . 2001:db8::2"] }
        try world.waitFor("ifaces", "both restricted to wg0") { Set($0) == ["only-wg0.scope . wg0", "kept.scope . wg0"] }
        #expect(try world.connect("printer.scope", "192.0.2.2") == .connected)
        #expect(try world.connect("only-wg0.scope", "192.0.2.2") == .refused)

        // Killed: the table stays (fail-closed), so do the elements. The profiles lose their rules meanwhile.
        let first = try #require(world.daemon)
        kill(first.process.processIdentifier, SIGKILL)
        #expect(first.waitForExit(seconds: 5) != nil)
        try world.profile("printer", "mode = \"enforce\"\n[match]\nunit = \"printer.scope\"\n")
        try world.profile("only-wg0", "mode = \"learn\"\n[match]\nunit = \"only-wg0.scope\"\n")
        #expect(try world.elements("restricted").count == 2, "nobody changes them while pinholed is down")

        // Started again: by the time it serves, the kernel holds what the profiles say now. No query asked.
        try world.startDaemon()
        #expect(try world.elements("static4").isEmpty)
        #expect(try world.elements("static6").isEmpty)
        #expect(try world.elements("restricted") == ["kept.scope"])
        #expect(try world.elements("ifaces") == ["kept.scope . wg0"])
        #expect(try world.elements("governed") == ["printer.scope"])
        #expect(try world.connect("printer.scope", "192.0.2.2") == .refused, "its range is gone")
        #expect(try world.connect("printer.scope", "2001:db8::2") == .refused)
        #expect(try world.connect("only-wg0.scope", "192.0.2.2") == .connected, "no longer restricted")
        #expect(try world.connect("kept.scope", "192.0.2.2") == .refused, "its unchanged profile still restricts it")
        #expect(try world.connect("kept.scope", "198.51.100.1") == .connected)

        #expect(try world.queries() == 0, "no DNS query was asked")
        let second = try #require(world.daemon)
        #expect(world.stop() == 0, "\(second.log.suffix(2000))")
    }
}
