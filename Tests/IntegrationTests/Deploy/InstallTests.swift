import Foundation
import PinholeDaemon
import SystemResolver
import Testing
import TestSupport

/// `make install` / `make uninstall` into a DESTDIR, with the binaries of
/// this build (INSTALL_FROM, so no release build is needed), and the
/// installed unit checked by `systemd-analyze verify`.
@Suite(.serialized)
struct InstallTests {
    static let sourceRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs make in the source tree; its status and output.
    static func make(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["make", "-C", sourceRoot.path, "--no-print-directory"] + arguments)
    }

    /// Every regular file under `root`, relative to it, sorted.
    static func files(under root: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                found.append(String(url.path.dropFirst(root.path.count)))
            }
        }
        return found.sorted()
    }

    static func built() throws -> String {
        try DaemonProcess.binary().deletingLastPathComponent().path
    }

    @Test("install puts binaries, unit, sysusers, lists, config; uninstall leaves no file")
    func installAndUninstall() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-install-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: destination) }
        let common = ["DESTDIR=\(destination.path)", "PREFIX=/usr", "INSTALL_FROM=\(try Self.built())"]
        let installed = try Self.make(["install"] + common)
        #expect(installed.status == 0, "\(installed.output)")

        let tree = Self.files(under: destination)
        for expected in [
            "/usr/bin/pinholed", "/usr/bin/pinhole", "/usr/lib/systemd/system/pinholed.service", "/usr/lib/sysusers.d/pinhole.conf",
            "/usr/share/pinhole/blocklists/ads-trackers.txt", "/usr/share/pinhole/blocklists/doh-addresses.cidr",
            "/usr/share/doc/pinhole/README.md", "/etc/pinhole/pinhole.toml", "/etc/pinhole/apps.d/default.toml",
        ] {
            #expect(tree.contains(expected), "\(expected) not installed; tree: \(tree)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: destination.path + "/usr/bin/pinholed"))
        let unit = try String(contentsOfFile: destination.path + "/usr/lib/systemd/system/pinholed.service", encoding: .utf8)
        #expect(unit.contains("\nExecStart=/usr/bin/pinholed\n"), "\(unit)")
        #expect(unit.contains("\nDocumentation=file:/usr/share/doc/pinhole/README.md\n") && !unit.contains("/usr/local/"), "\(unit)")
        let sysusers = try String(contentsOfFile: destination.path + "/usr/lib/sysusers.d/pinhole.conf", encoding: .utf8)
        #expect(sysusers.contains("u pinhole -:pinhole"), "\(sysusers)")

        // Man pages come from the --help texts when swift-argument-parser's
        // generator is built (make generate-manual; `make install` builds it).
        if FileManager.default.isExecutableFile(atPath: Self.sourceRoot.path + "/.build/debug/generate-manual") {
            for page in ["/usr/share/man/man1/pinhole.1", "/usr/share/man/man1/pinhole.log.1", "/usr/share/man/man8/pinholed.8"] {
                #expect(tree.contains(page), "\(page) not installed; tree: \(tree)")
            }
            let page = (try? String(contentsOfFile: destination.path + "/usr/share/man/man1/pinhole.log.1", encoding: .utf8)) ?? ""
            #expect(page.contains("EXAMPLES:"), "\(page)")
        } else {
            #expect(installed.output.contains("no man pages"), "\(installed.output)")
        }

        // The sysusers file makes the user and group (in the DESTDIR's /etc only).
        if let sysusersTool = TestEnvironment.which("systemd-sysusers") {
            let made = try CommandRunner.run(
                URL(fileURLWithPath: sysusersTool),
                ["--root=\(destination.path)", destination.path + "/usr/lib/sysusers.d/pinhole.conf"])
            #expect(made.status == 0, "\(made.output)")
            let passwd = (try? String(contentsOfFile: destination.path + "/etc/passwd", encoding: .utf8)) ?? ""
            #expect(passwd.contains("pinhole:x:") && passwd.contains(":/var/lib/pinhole:"), "\(passwd)")
            #expect(((try? String(contentsOfFile: destination.path + "/etc/group", encoding: .utf8)) ?? "").hasPrefix("pinhole:x:"))
            for file in ["passwd", "group", "shadow", "gshadow", "passwd-", "group-", "shadow-", "gshadow-", ".pwd.lock"] {
                try? FileManager.default.removeItem(atPath: destination.path + "/etc/" + file)
            }
        }

        // The installed pinholed finds the lists beside itself: its default lists_dir.
        let summary = try CommandRunner.run(
            URL(fileURLWithPath: destination.path + "/usr/bin/pinholed"), ["--config", "/dev/null", "--check-config"])
        #expect(summary.output.contains("policy.lists_dir = \"\(destination.path)/usr/share/pinhole/blocklists\""), "\(summary.output)")

        let uninstalled = try Self.make(["uninstall"] + common)
        #expect(uninstalled.status == 0, "\(uninstalled.output)")
        #expect(Self.files(under: destination) == [], "left behind: \(Self.files(under: destination))")
        for gone in ["/usr/share/pinhole", "/etc/pinhole", "/usr/share/doc/pinhole"] {
            #expect(!FileManager.default.fileExists(atPath: destination.path + gone), "\(gone) still there")
        }
    }

    @Test("install never overwrites a config file; uninstall keeps an edited one and says so")
    func keepsEditedConfig() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-install-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: destination) }
        let config = destination.appendingPathComponent("etc/pinhole/pinhole.toml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        let mine = "[log]\nlevel = \"debug\"\n"
        try mine.write(to: config, atomically: true, encoding: .utf8)
        let common = ["DESTDIR=\(destination.path)", "PREFIX=/usr/local", "INSTALL_FROM=\(try Self.built())"]

        let installed = try Self.make(["install"] + common)
        #expect(installed.status == 0, "\(installed.output)")
        #expect(try String(contentsOf: config, encoding: .utf8) == mine)
        #expect(installed.output.contains("kept \(config.path)"), "\(installed.output)")
        // PREFIX=/usr/local: the unit goes where systemd looks for local units.
        #expect(FileManager.default.fileExists(atPath: destination.path + "/usr/local/lib/systemd/system/pinholed.service"))

        let uninstalled = try Self.make(["uninstall"] + common)
        #expect(uninstalled.status == 0, "\(uninstalled.output)")
        #expect(Self.files(under: destination) == ["/etc/pinhole/pinhole.toml"])
        #expect(uninstalled.output.contains("kept \(config.path) (edited)"), "\(uninstalled.output)")
    }

    @Test("systemd-analyze verify accepts the installed unit", .enabled(if: TestEnvironment.which("systemd-analyze") != nil))
    func unitVerifies() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-install-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: destination) }
        let copy = try Self.installedUnitCopy(in: destination)
        let verified = try CommandRunner.run(URL(fileURLWithPath: TestEnvironment.which("systemd-analyze")!), ["verify", copy.path])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.isEmpty, "systemd-analyze verify complained:\n\(verified.output)")
    }

    @Test(
        "The unit with replace mode's varlink drop-in verifies; systemd merges RuntimeDirectory to pinhole and systemd/resolve, mode 0755",
        .enabled(if: TestEnvironment.which("systemd-analyze") != nil))
    func varlinkDropInVerifies() throws {
        let destination = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-install-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: destination) }
        let copy = try Self.installedUnitCopy(in: destination)
        // systemd-analyze verify reads drop-ins from UNIT.d/ beside the unit file.
        let dropIns = destination.appendingPathComponent("pinholed.service.d")
        try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
        let dropIn = SwitchPlanner.pinholedVarlinkDropIn(runtimeDirectory: "systemd/resolve", socket: DaemonConfig.Varlink.defaultSocket)
        try dropIn.write(to: dropIns.appendingPathComponent("pinhole-varlink.conf"), atomically: true, encoding: .utf8)
        let analyze = URL(fileURLWithPath: TestEnvironment.which("systemd-analyze")!)
        let verified = try CommandRunner.run(analyze, ["verify", copy.path])
        #expect(verified.status == 0 && verified.output.isEmpty, "systemd-analyze verify complained:\n\(verified.output)")
        // At debug level verify dumps the loaded unit: the drop-in was read and
        // added to the unit's list instead of replacing it.
        let dumped = try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["SYSTEMD_LOG_LEVEL=debug", analyze.path, "verify", copy.path])
        let lines = dumped.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("DropIn Path: \(dropIns.path)/pinhole-varlink.conf") || dumped.output.contains("pinhole-varlink.conf"), "\(dumped.output.suffix(3000))")
        #expect(lines.filter { $0.hasPrefix("RuntimeDirectory:") } == ["RuntimeDirectory: pinhole", "RuntimeDirectory: systemd/resolve"],
            "\(lines.filter { $0.hasPrefix("RuntimeDirectory") })")
        #expect(lines.contains("RuntimeDirectoryMode: 0755") && lines.contains("RuntimeDirectoryPreserve: no"), "\(lines.filter { $0.hasPrefix("RuntimeDirectory") })")
    }

    /// Installs with PREFIX=/usr into `destination` and returns a copy of the
    /// installed unit, beside it, whose ExecStart points into the DESTDIR tree:
    /// `systemd-analyze verify` checks ExecStart is executable (--root=DESTDIR
    /// would also want the whole systemd unit tree there).
    static func installedUnitCopy(in destination: URL) throws -> URL {
        let installed = try make(["install", "DESTDIR=\(destination.path)", "PREFIX=/usr", "INSTALL_FROM=\(try built())"])
        guard installed.status == 0 else { throw TestFailure("make install: \(installed.output)") }
        let unit = try String(contentsOfFile: destination.path + "/usr/lib/systemd/system/pinholed.service", encoding: .utf8)
        let copy = destination.appendingPathComponent("pinholed.service")
        try unit.replacingOccurrences(of: "ExecStart=/usr/bin/", with: "ExecStart=\(destination.path)/usr/bin/")
            .write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }
}
