import Foundation
import Testing
import TestSupport

/// The `pinhole system-resolver` command line on a fixture root (`--root`,
/// a systemctl stub): the plan is printed before anything changes,
/// `--dry-run` changes nothing, no terminal without `--yes` is refused,
/// a failure midway is rolled back, status and disable.
@Suite(.serialized) struct CommandLineTests {
    func pinhole(_ system: FixtureSystem, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let binary = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN")
        let common = ["--root", system.root, "--systemctl", system.systemctlPath]
        // Never a terminal: enable without --yes must refuse, not wait for an answer.
        return try CommandRunner.run(
            binary, Array(arguments.prefix(2)) + common + Array(arguments.dropFirst(2)), standardInput: FileHandle.nullDevice)
    }

    @Test func dryRunPrintsThePlanAndChangesNothing() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        let run = try pinhole(system, ["system-resolver", "enable", "--dry-run"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("mode: keep-resolved") && run.output.contains("write /etc/resolv.conf")
            && run.output.contains("systemctl restart systemd-resolved.service") && run.output.contains("| DNSStubListenerExtra=127.0.0.54"), "\(run.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [] && system.changingCalls == [])
        let refused = try pinhole(system, ["system-resolver", "enable"])
        #expect(refused.status != 0 && refused.output.contains("--yes"), "\(refused.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }

    @Test func enableStatusDisableRoundTrip() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        #expect(try pinhole(system, ["system-resolver", "status"]).output.contains("not pinhole"))
        let enabled = try pinhole(system, ["system-resolver", "enable", "--yes", "--mode", "replace"])
        #expect(enabled.status == 0 && enabled.output.contains("enabled:"), "\(enabled.output)")
        let status = try pinhole(system, ["system-resolver", "status"])
        #expect(status.output.contains("mode replace") && status.output.contains("192.0.2.53") && status.output.contains("names pinhole"), "\(status.output)")
        let again = try pinhole(system, ["system-resolver", "enable", "--yes"])
        #expect(again.status == 0 && again.output.contains("already the system resolver"), "\(again.output)")
        let disabled = try pinhole(system, ["system-resolver", "disable"])
        #expect(disabled.status == 0 && disabled.output.contains("restored /etc/resolv.conf (symlink before)"), "\(disabled.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }

    @Test func aWriteFailingMidwayIsRolledBackAndReported() throws {
        let system = try FixtureSystem()
        try system.write("/etc/systemd/resolved.conf.d", "a file where the drop-in directory belongs\n")
        let before = system.tree()
        let run = try pinhole(system, ["system-resolver", "enable", "--yes"])
        #expect(run.status != 0 && run.output.contains("rolled back") && run.output.contains("resolved.conf.d/pinhole.conf"), "\(run.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        // It failed before any systemctl call.
        #expect(system.changingCalls == [])
    }

    @Test func anInvalidConfigIsRefusedBeforeAnythingChanges() throws {
        let system = try FixtureSystem()
        try system.write("/etc/pinhole/pinhole.toml", "[upstream]\nresolv_conf = 5\n")
        let before = system.tree()
        let run = try pinhole(system, ["system-resolver", "enable", "--yes"])
        #expect(run.status != 0 && run.output.contains("pinhole.toml") && run.output.contains("nothing was changed"), "\(run.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }
}
