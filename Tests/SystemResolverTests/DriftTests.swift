import Foundation
import Testing
import TestSupport
@testable import SystemResolver

#if canImport(Glibc)
import Glibc
#endif

/// Files changed after enable, on fixture roots: disable stops before
/// changing anything and says what changed; `--force` saves the admin's
/// version and restores; status reports drift; a version 1 manifest is
/// disabled unchecked, as before.
@Suite(.serialized) struct DriftTests {
    func enabled(mode: ResolverMode = .keepResolved) throws -> FixtureSystem {
        let system = try FixtureSystem()
        _ = try system.resolverSwitch.enable(try SwitchPlanner(mode: mode).plan(for: try system.probe.facts()))
        return system
    }

    func pinhole(_ system: FixtureSystem, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let binary = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN")
        let common = ["--root", system.root, "--systemctl", system.systemctlPath]
        return try CommandRunner.run(
            binary, Array(arguments.prefix(2)) + common + Array(arguments.dropFirst(2)), standardInput: FileHandle.nullDevice)
    }

    @Test func theManifestRecordsWhatEnableWrote() throws {
        let system = try enabled()
        let manifest = try #require(try system.resolverSwitch.manifest())
        #expect(manifest.version == 2)
        let step = try #require(manifest.steps.first { $0.path == "/etc/resolv.conf" })
        #expect(step.written?.kind == .regular && step.written?.mode == 0o644)
        let copy = try #require(step.writtenCopy)
        #expect(FileManager.default.contents(atPath: system.stateDirectory + "/files/" + copy) == FileManager.default.contents(atPath: system.root + "/etc/resolv.conf"))
        #expect(try system.resolverSwitch.drift(of: manifest) == [])
    }

    @Test func aChangedFileStopsDisableBeforeAnythingChanges() throws {
        let system = try enabled()
        // Another tool points resolv.conf back at resolved's stub; the admin edits the drop-in and chmods the upstream list.
        unlink(system.root + "/etc/resolv.conf")
        symlink("../run/systemd/resolve/stub-resolv.conf", system.root + "/etc/resolv.conf")
        try system.write("/etc/systemd/resolved.conf.d/pinhole.conf", "[Resolve]\nDNSStubListener=no\n# mine\n")
        chmod(system.root + "/etc/pinhole/upstream-resolv.conf", 0o600)
        let manifest = try #require(try system.resolverSwitch.manifest())
        let drifts = try #require(try system.resolverSwitch.drift(of: manifest))
        #expect(drifts.map(\.path).sorted() == ["/etc/pinhole/upstream-resolv.conf", "/etc/resolv.conf", "/etc/systemd/resolved.conf.d/pinhole.conf"])
        #expect(drifts.first { $0.path == "/etc/resolv.conf" }?.sentence
            == "/etc/resolv.conf was changed after enable (now a symlink to ../run/systemd/resolve/stub-resolv.conf)")
        #expect(drifts.first { $0.path.hasSuffix("pinhole.conf") }?.change.hasPrefix("other contents, ") == true)
        #expect(drifts.first { $0.path.hasSuffix("upstream-resolv.conf") }?.change == "mode 0600 now, enable left 0644")

        let before = system.tree()
        system.clearCalls()
        do {
            _ = try system.resolverSwitch.disable()
            Issue.record("disable overwrote files changed after enable")
        } catch {
            #expect(error.message.hasPrefix("disable stopped before changing anything:\n  ") && error.message.contains("--force"), "\(error)")
            #expect(error.message.contains("/etc/resolv.conf was changed after enable (now a symlink to ../run/systemd/resolve/stub-resolv.conf)"), "\(error)")
        }
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        #expect(system.changingCalls == [])
        #expect(try system.resolverSwitch.manifest() == manifest)
    }

    @Test func forceSavesTheChangedVersionsThenRestores() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        _ = try system.resolverSwitch.enable(try SwitchPlanner().plan(for: try system.probe.facts()))
        try system.write("/etc/pinhole/pinhole.toml", "# the admin's\n[cache]\nsize = 9\n")
        unlink(system.root + "/etc/systemd/resolved.conf.d/pinhole.conf")
        let outcome = try #require(try system.resolverSwitch.disable(force: true, now: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(outcome.problems == [] && outcome.driftChecked)
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
        let saved = Dictionary(uniqueKeysWithValues: outcome.saved.map { ($0.drift.path, $0.copy) })
        #expect(saved.count == 2)
        let copy = try #require(saved["/etc/pinhole/pinhole.toml"] ?? nil)
        #expect(copy == system.stateDirectory + "/changed-after-enable-20270115T080000Z/etc/pinhole/pinhole.toml")
        #expect(FileManager.default.contents(atPath: copy).map { String(decoding: $0, as: UTF8.self) } == "# the admin's\n[cache]\nsize = 9\n")
        #expect(saved["/etc/systemd/resolved.conf.d/pinhole.conf"] == .some(nil))  // removed: nothing to save
        #expect(outcome.saved.first { $0.copy == nil }?.drift.sentence == "/etc/systemd/resolved.conf.d/pinhole.conf was removed after enable")
        #expect(try system.resolverSwitch.manifest() == nil)
    }

    @Test func aVersion1ManifestIsDisabledUncheckedAsBefore() throws {
        let system = try FixtureSystem()
        let before = system.tree()
        _ = try system.resolverSwitch.enable(try SwitchPlanner().plan(for: try system.probe.facts()))
        // Rewrite the manifest as an older pinhole wrote it: version 1, no record of what enable wrote.
        let path = system.stateDirectory + "/manifest.json"
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["version"] = 1
        json["steps"] = (json["steps"] as? [[String: Any]])?.map { $0.filter { $0.key != "written" && $0.key != "writtenCopy" } }
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        try system.write("/etc/nsswitch.conf", "hosts: files dns # mine\n")
        let manifest = try #require(try system.resolverSwitch.manifest())
        #expect(manifest.steps.allSatisfy { $0.written == nil })
        #expect(try system.resolverSwitch.drift(of: manifest) == nil)
        let status = try pinhole(system, ["system-resolver", "status"])
        #expect(status.output.contains("drift: not checked"), "\(status.output)")
        let run = try pinhole(system, ["system-resolver", "disable"])
        #expect(run.status == 0 && run.output.contains("did not record what enable wrote"), "\(run.output)")
        #expect(TreeSnapshot.difference(before, system.tree()) == [])
    }

    @Test func theCommandLineListsDriftAndForceSaves() throws {
        let system = try enabled(mode: .replace)
        #expect(try pinhole(system, ["system-resolver", "status"]).output.contains("drift: none"))
        unlink(system.root + "/etc/resolv.conf")
        symlink("/run/NetworkManager/resolv.conf", system.root + "/etc/resolv.conf")
        let status = try pinhole(system, ["system-resolver", "status"])
        #expect(status.output.contains("drift: /etc/resolv.conf was changed after enable (now a symlink to /run/NetworkManager/resolv.conf)"), "\(status.output)")
        let refused = try pinhole(system, ["system-resolver", "disable"])
        #expect(refused.status != 0 && refused.output.contains("disable stopped before changing anything")
            && refused.output.contains("now a symlink to /run/NetworkManager/resolv.conf"), "\(refused.output)")
        #expect(system.linkTarget("/etc/resolv.conf") == "/run/NetworkManager/resolv.conf")
        let forced = try pinhole(system, ["system-resolver", "disable", "--force"])
        #expect(forced.status == 0 && forced.output.contains("its current version is saved as \(system.stateDirectory)/changed-after-enable-"), "\(forced.output)")
        #expect(system.linkTarget("/etc/resolv.conf") == "../run/systemd/resolve/stub-resolv.conf")
        let savedDirectory = try #require(try FileManager.default.contentsOfDirectory(atPath: system.stateDirectory).first { $0.hasPrefix("changed-after-enable-") })
        #expect(system.linkTarget("/var/lib/pinhole/system-resolver/\(savedDirectory)/etc/resolv.conf") == "/run/NetworkManager/resolv.conf")
    }
}
