import Foundation
import PinholeDaemon
import Testing
@testable import SystemResolver

/// Enable and disable on a fixture root with a recording systemctl stub:
/// byte-exact restore (symlinks as symlinks), enable twice, rollback when
/// a step fails midway, the systemctl calls and their undo.
@Suite(.serialized) struct SwitchTests {
    func enable(_ system: FixtureSystem, mode: ResolverMode? = nil) throws -> (SwitchPlan, ResolverSwitch.EnableOutcome) {
        let plan = try SwitchPlanner(mode: mode).plan(for: try system.probe.facts())
        return (plan, try system.resolverSwitch.enable(plan))
    }

    @Test func enableThenDisableLeavesEveryFileByteIdentical() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        let (_, outcome) = try enable(system)
        #expect(outcome == .enabled)
        #expect(system.linkTarget("/etc/resolv.conf") == nil)
        #expect(system.read("/etc/resolv.conf")?.contains("nameserver 127.0.0.153\n") == true)
        #expect(system.read("/etc/nsswitch.conf")?.contains("resolve") == false)
        #expect(system.read("/etc/systemd/resolved.conf.d/pinhole.conf")?.contains("DNSStubListener=no") == true)
        #expect(system.read("/etc/pinhole/upstream-resolv.conf")?.contains("nameserver 127.0.0.54\n") == true)
        #expect(system.changingCalls == ["restart systemd-resolved.service", "try-restart pinholed.service"])
        let manifest = try #require(try system.resolverSwitch.manifest())
        #expect(manifest.state == .enabled && manifest.mode == .keepResolved)
        #expect(manifest.steps.first { $0.path == "/etc/resolv.conf" }?.previous == FileState(kind: .symlink, target: "../run/systemd/resolve/stub-resolv.conf"))

        system.clearCalls()
        let problems = try #require(try system.resolverSwitch.disable()).problems
        #expect(problems.isEmpty)
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        #expect(system.linkTarget("/etc/resolv.conf") == "../run/systemd/resolve/stub-resolv.conf")
        // Restarts come last, once every file is back, in their original order.
        #expect(system.changingCalls == ["restart systemd-resolved.service", "try-restart pinholed.service"])
        #expect(try system.resolverSwitch.manifest() == nil)
        #expect(try system.resolverSwitch.disable() == nil)
    }

    @Test func replaceModeStopsResolvedAndDisableStartsItAgain() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        _ = try enable(system, mode: .replace)
        #expect(system.read("/etc/pinhole/upstream-resolv.conf")?.contains("nameserver 192.0.2.53\nnameserver 2001:db8::53\n") == true)
        // pinholed serves varlink (nsswitch has `resolve`): its drop-in, read before it restarts.
        #expect(system.read("/etc/systemd/system/pinholed.service.d/pinhole-varlink.conf")?.contains("\nRuntimeDirectory=systemd/resolve\n") == true)
        #expect(system.changingCalls == ["disable --now systemd-resolved.service", "daemon-reload", "try-restart pinholed.service"])
        system.clearCalls()
        #expect(try system.resolverSwitch.disable()?.problems == [])
        // The drop-in is gone and systemd has forgotten it before pinholed
        // stops, so stopping it does not remove /run/systemd/resolve, which
        // resolved (started again) uses.
        #expect(system.changingCalls == ["enable --now systemd-resolved.service", "daemon-reload", "try-restart pinholed.service"])
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        #expect(!FileManager.default.fileExists(atPath: system.root + "/etc/systemd/system"))
    }

    @Test func enablingTwiceChangesNothingTheSecondTime() throws {
        let system = try FixtureSystem()
        _ = try enable(system)
        let after = system.tree()
        let manifest = try system.resolverSwitch.manifest()
        system.clearCalls()
        // The second plan is made on the switched system; the manifest stops it.
        let outcome = try system.resolverSwitch.enable(try SwitchPlanner(upstreams: [try SocketAddressText(parsing: "192.0.2.1")]).plan(for: try system.probe.facts()))
        #expect(outcome == .alreadyEnabled(try #require(manifest)))
        #expect(TreeSnapshot.difference(after, system.tree()) == [])
        #expect(system.changingCalls == [])
    }

    @Test func aFailingServiceMidwayRollsEverythingBack() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        system.failSystemctl("restart systemd-resolved.service")
        do {
            _ = try enable(system)
            Issue.record("enable succeeded although systemctl failed")
        } catch {
            #expect("\(error)".contains("step 4") && "\(error)".contains("rolled back"), "\(error)")
        }
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        #expect(try system.resolverSwitch.manifest() == nil)
        // The failed restart is tried again with the old files; pinholed was never restarted.
        #expect(system.changingCalls == ["restart systemd-resolved.service", "restart systemd-resolved.service"])
    }

    @Test func aFailingWriteMidwayRollsEverythingBack() throws {
        let system = try FixtureSystem()
        // resolved.conf.d is a file: the drop-in cannot be written (ENOTDIR), after two files were.
        try system.write("/etc/systemd/resolved.conf.d", "not a directory\n")
        let before = system.tree()
        do {
            _ = try enable(system)
            Issue.record("enable succeeded although a write failed")
        } catch {
            #expect("\(error)".contains("/etc/systemd/resolved.conf.d/pinhole.conf") && "\(error)".contains("rolled back"), "\(error)")
        }
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        #expect(!FileManager.default.fileExists(atPath: system.root + "/etc/pinhole"))
        #expect(try system.resolverSwitch.manifest() == nil)
    }

    @Test func networkManagerIsToldToLeaveResolvConfAlone() throws {
        let system = try FixtureSystem(networkManager: true)
        let before = system.tree()
        _ = try enable(system)
        #expect(system.read("/etc/NetworkManager/conf.d/90-pinhole.conf")?.contains("rc-manager=unmanaged") == true)
        #expect(system.changingCalls.contains("reload NetworkManager.service"))
        #expect(try system.resolverSwitch.disable()?.problems == [])
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }

    @Test func aRegularResolvConfWithoutResolvedComesBackWithItsModeAndBytes() throws {
        let system = try FixtureSystem(resolved: false)
        unlink(system.root + "/etc/resolv.conf")
        try system.write("/etc/resolv.conf", "# by hand\nnameserver 198.51.100.7\n", mode: 0o640)
        try system.write("/etc/pinhole/pinhole.toml", "# mine\n[cache]\nsize = 5\n")
        let before = system.tree()
        let (plan, _) = try enable(system)
        #expect(plan.mode == .replace && plan.upstreams.map(\.host) == ["198.51.100.7"])
        #expect(system.read("/etc/pinhole/pinhole.toml")?.hasPrefix("# mine\n[cache]\nsize = 5\n") == true)
        #expect(try system.resolverSwitch.disable()?.problems == [])
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }
}
