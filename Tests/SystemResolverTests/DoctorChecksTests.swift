import Foundation
import PinholeDaemon
import Testing
@testable import SystemResolver

/// doctor's file checks on fixture roots: a resolved-style machine fails
/// with the fix, the same machine after enable passes; odd hosts lines.
@Suite struct DoctorChecksTests {
    func checks(_ system: FixtureSystem, manifest: BackupManifest? = nil) -> DoctorChecks {
        DoctorChecks(files: system.files, paths: SystemPaths(), config: .defaults, controlSocket: "/nonexistent/control.sock", manifest: manifest)
    }

    @Test func aResolvedStyleMachineFailsWithTheFix() throws {
        let system = try FixtureSystem()
        let resolvConf = checks(system).resolvConf()
        #expect(resolvConf.status == .failed && resolvConf.detail.contains("127.0.0.53") && resolvConf.fix == "pinhole system-resolver enable")
        let nsswitch = checks(system).nsswitch()
        #expect(nsswitch.status == .failed && nsswitch.fix?.contains("remove `resolve`") == true)
        #expect(checks(system).daemon().status == .failed)
    }

    @Test func afterEnableTheFileChecksPass() throws {
        let system = try FixtureSystem()
        let plan = try SwitchPlanner().plan(for: try system.probe.facts())
        _ = try system.resolverSwitch.enable(plan)
        #expect(checks(system).resolvConf().status == .ok)
        #expect(checks(system).nsswitch().status == .ok)
    }

    @Test func otherNameserversAfterPinholeAreAWarningAndNoDNSSourceAFailure() throws {
        let system = try FixtureSystem()
        unlink(system.root + "/etc/resolv.conf")
        try system.write("/etc/resolv.conf", "nameserver 127.0.0.153\nnameserver 9.9.9.9\n")
        try system.write("/etc/nsswitch.conf", "hosts: files myhostname\n")
        #expect(checks(system).resolvConf().status == .warning)
        #expect(checks(system).nsswitch().status == .failed)
    }

    @Test func findingsPrintTheFixUnderTheCheck() {
        let finding = DoctorFinding("resolv.conf", .failed, "names 127.0.0.53", fix: "pinhole system-resolver enable")
        #expect(finding.text == "FAIL resolv.conf: names 127.0.0.53\n     fix: pinhole system-resolver enable\n")
    }
}
