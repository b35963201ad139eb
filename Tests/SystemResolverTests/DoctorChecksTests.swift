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

    /// nsswitch's `resolve` passes only when pinholed itself answers GetInfo
    /// on the varlink socket: not when nothing does (though the config says
    /// varlink is on), not when systemd-resolved does.
    @Test func resolveInNsswitchNeedsPinholedAnsweringGetInfo() throws {
        let system = try FixtureSystem()
        var config = DaemonConfig.defaults
        config.varlink.enabled = true
        let doctor = DoctorChecks(files: system.files, paths: SystemPaths(), config: config, controlSocket: "/nonexistent/control.sock", manifest: nil)
        let nothing = doctor.nsswitch()
        #expect(nothing.status == .failed && nothing.detail.contains("needs pinholed's io.systemd.Resolve")
            && nothing.fix?.contains("systemctl restart pinholed.service") == true, "\(nothing)")

        let socket = system.root + DaemonConfig.Varlink.defaultSocket
        let resolved = try FakeVarlinkService(path: socket, reply: """
            {"parameters":{"vendor":"The systemd Project","product":"systemd-resolved","version":"252","url":"","interfaces":["io.systemd.Resolve"]}}
            """)
        let other = doctor.nsswitch()
        resolved.close()
        #expect(other.status == .failed && other.detail.contains("systemd-resolved") && other.fix?.contains("disable --now systemd-resolved") == true, "\(other)")

        let pinholed = try FakeVarlinkService(path: socket, reply: """
            {"parameters":{"vendor":"pinhole","product":"pinholed","version":"0.1","url":"","interfaces":["org.varlink.service","io.systemd.Resolve"]}}
            """)
        let ours = doctor.nsswitch()
        pinholed.close()
        #expect(ours.status == .ok && ours.detail.contains("pinholed 0.1"), "\(ours)")

        // Varlink off and nothing answering: resolve goes to systemd-resolved, remove it.
        let off = checks(system).nsswitch()
        #expect(off.status == .failed && off.fix?.contains("remove `resolve`") == true, "\(off)")
    }

    @Test func findingsPrintTheFixUnderTheCheck() {
        let finding = DoctorFinding("resolv.conf", .failed, "names 127.0.0.53", fix: "pinhole system-resolver enable")
        #expect(finding.text == "FAIL resolv.conf: names 127.0.0.53\n     fix: pinhole system-resolver enable\n")
    }
}
