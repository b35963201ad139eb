import Foundation
import PinholeDaemon
import QueryLog
import Testing
import TestSupport

/// `pinhole system-resolver` and `pinhole doctor` on a resolved-style
/// private /etc inside a namespace sandbox, with the real pinholed and
/// real glibc clients (getent): doctor fails before and names the fix;
/// enable → getent's getaddrinfo reaches pinholed attributed to getent;
/// doctor passes; enable again changes nothing; disable → every file
/// byte-identical to before.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct SystemResolverE2ETests {
    static func pinhole() throws -> String {
        try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path
    }

    @Test func enableRoutesGlibcThroughPinholeAndDisableRestoresEveryByte() async throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let etc = try PrivateEtc(sandbox: sandbox)
        // resolved's proxy stub, as keep-resolved mode forwards to it.
        let responder = try sandbox.startResponder(address: "127.0.0.54", port: 53)
        defer { responder.kill() }
        // glibc's getaddrinfo with AI_ADDRCONFIG (getent ahosts, most programs)
        // asks for IPv4 only when a non-loopback IPv4 address exists: give the
        // sandbox one (a veth pair inside it; TEST-NET, nothing is sent there).
        let link = try sandbox.run("sh", ["-c", "ip link add pinhole-a type veth peer name pinhole-b && ip addr add 192.0.2.100/24 dev pinhole-a && ip link set pinhole-a up && ip link set pinhole-b up"])
        #expect(link.status == 0, "\(link.stderr)")
        let before = try etc.tree()
        let pinhole = try Self.pinhole()
        // Never the host's systemctl nor its /var/lib/pinhole.
        let systemctl = ["--systemctl", etc.systemctl, "--state-dir", etc.directory + "/state"]

        // Before: pinholed runs but nothing asks it; doctor fails and says how to fix it.
        let early = try sandbox.startDaemon(address: "127.0.0.153", port: 53, upstreams: ["127.0.0.54:53"])
        let failing = try sandbox.run(pinhole, ["doctor", "--socket", early.controlSocketPath] + systemctl, cgroup: "doctor.scope")
        #expect(failing.status != 0, "doctor passed before enable:\n\(failing.stdout)")
        #expect(failing.stdout.contains("FAIL resolv.conf") && failing.stdout.contains("fix: pinhole system-resolver enable"), "\(failing.stdout)")
        #expect(failing.stdout.contains("FAIL nsswitch") && failing.stdout.contains("FAIL end to end"), "\(failing.stdout)")
        early.stop()

        let enabled = try sandbox.run(pinhole, ["system-resolver", "enable", "--yes"] + systemctl)
        #expect(enabled.status == 0, "enable: \(enabled.stdout)\n\(enabled.stderr)")
        #expect(enabled.stdout.contains("mode: keep-resolved") && enabled.stdout.contains("write /etc/resolv.conf"), "\(enabled.stdout)")
        #expect(etc.changingCalls == ["restart systemd-resolved.service", "try-restart pinholed.service"])
        let config = try #require(etc.read("/pinhole/pinhole.toml"))
        #expect(config.contains("resolv_conf = \"/etc/pinhole/upstream-resolv.conf\""))

        // pinholed with the config enable wrote: its upstream is the adopted 127.0.0.54.
        let daemon = try sandbox.startDaemon(address: "127.0.0.153", port: 53, configText: config)
        let stream = try ControlSocketClient(socketPath: daemon.controlSocketPath).follow()
        let seen = Task { () async throws -> LogRecord? in
            for try await record in stream where record.name == "switched.example" { return record }
            return nil
        }
        let getent = try sandbox.spawn(cgroup: "app-getent.scope", executable: "getent", arguments: ["ahostsv4", "switched.example"])
        let status = getent.waitForExit(seconds: 10)
        let timeout = Task {
            try await Task.sleep(for: .seconds(5))
            seen.cancel()
        }
        let record = try await seen.value
        timeout.cancel()
        #expect(status == 0 && getent.stdout.contains("192.0.2.1"), "getent: \(getent.stdout) \(getent.stderr)\n\(daemon.log.suffix(1500))")
        let got = try #require(record, "pinholed never saw getent's query:\n\(daemon.log.suffix(2000))")
        #expect(got.pid == getent.pid && got.app == "app-getent.scope" && got.exe?.hasSuffix("getent") == true, "\(got)")

        let passing = try sandbox.run(pinhole, ["doctor", "--socket", daemon.controlSocketPath] + systemctl, cgroup: "doctor.scope")
        #expect(passing.status == 0 && passing.stdout.contains("all checks passed"), "doctor after enable:\n\(passing.stdout)\n\(passing.stderr)")
        #expect(passing.stdout.contains("ok   end to end"), "\(passing.stdout)")

        // Twice is harmless.
        let switched = try etc.tree()
        let again = try sandbox.run(pinhole, ["system-resolver", "enable", "--yes"] + systemctl)
        #expect(again.status == 0 && again.stdout.contains("already"), "\(again.stdout)")
        #expect(try etc.tree() == switched)
        let status1 = try sandbox.run(pinhole, ["system-resolver", "status"] + systemctl)
        #expect(status1.stdout.contains("mode keep-resolved") && status1.stdout.contains("names pinhole"), "\(status1.stdout)")
        daemon.stop()

        let disabled = try sandbox.run(pinhole, ["system-resolver", "disable"] + systemctl)
        #expect(disabled.status == 0, "disable: \(disabled.stdout)\n\(disabled.stderr)")
        let after = try etc.tree()
        let changed = Set(before.keys).symmetricDifference(after.keys).sorted()
        #expect(changed.isEmpty, "differs after disable: \(changed)")
        #expect(etc.changingCalls.suffix(2) == ["restart systemd-resolved.service", "try-restart pinholed.service"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: etc.etc + "/resolv.conf") == "../run/systemd/resolve/stub-resolv.conf")
    }
}

/// Replace mode where glibc uses nss-resolve: enable keeps `resolve`,
/// turns `[varlink] enabled` on and writes the pinholed.service drop-in;
/// the real pinholed with that config serves io.systemd.Resolve in the
/// private /run/systemd/resolve, getent's lookup reaches it attributed to
/// getent, doctor passes (its nsswitch check asks the socket who it is);
/// disable puts every byte back, in the order that spares resolved's directory.
@Suite(.serialized, .enabled(if: VarlinkStage.shouldRun, "needs the namespace sandbox and libnss_resolve.so.2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct SystemResolverReplaceE2ETests {
    @Test func replaceModeServesVarlinkWithTheDropInAndDisableRestoresEveryByte() throws {
        let module = try #require(VarlinkStage.moduleDirectory, "libnss_resolve.so.2 missing: run scripts/install-deps.sh")
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let etc = try PrivateEtc(sandbox: sandbox)
        // resolved's uplink server (192.0.2.200 in PrivateEtc's uplink file), answered in the sandbox.
        let address = try sandbox.run("ip", ["addr", "add", "192.0.2.200/32", "dev", "lo"])
        #expect(address.status == 0, "\(address.stderr)")
        let responder = try sandbox.startResponder(address: "192.0.2.200", port: 53)
        defer { responder.kill() }
        let before = try etc.tree()
        let pinhole = try SystemResolverE2ETests.pinhole()
        let systemctl = ["--systemctl", etc.systemctl, "--state-dir", etc.directory + "/state"]
        var environment = ProcessInfo.processInfo.environment
        if !module.isEmpty { environment["LD_LIBRARY_PATH"] = module }

        let enabled = try sandbox.run(pinhole, ["system-resolver", "enable", "--yes", "--mode", "replace"] + systemctl)
        #expect(enabled.status == 0, "enable: \(enabled.stdout)\n\(enabled.stderr)")
        #expect(etc.changingCalls == ["disable --now systemd-resolved.service", "daemon-reload", "try-restart pinholed.service"], "\(etc.changingCalls)")
        let dropIn = try #require(etc.read("/systemd/system/pinholed.service.d/pinhole-varlink.conf"), "\(enabled.stdout)")
        #expect(dropIn.contains("\nRuntimeDirectory=systemd/resolve\n"), "\(dropIn)")
        #expect(etc.read("/nsswitch.conf")?.contains("resolve") == true)
        let config = try #require(etc.read("/pinhole/pinhole.toml"))
        #expect(config.contains("[varlink]\nenabled = true\n"), "\(config)")

        let daemon = try sandbox.startDaemon(address: "127.0.0.153", port: 53, configText: config)
        #expect(daemon.log.contains("varlink io.systemd.Resolve listening"), "\(daemon.log.suffix(2000))")
        let getent = try sandbox.spawn(cgroup: "app-getent.scope", executable: "getent", arguments: ["ahostsv4", "replaced.example"], environment: environment)
        #expect(getent.waitForExit(seconds: 15) == 0 && getent.stdout.contains("192.0.2.1"), "getent: \(getent.stdout) \(getent.stderr)\n\(daemon.log.suffix(1500))")
        let rows = QueryLogRows.wait(path: daemon.queryLogPath, atLeast: 1) { $0.name == "replaced.example" }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.transport == .varlink && $0.pid == getent.pid && $0.appKey == "app-getent.scope" },
            "\(rows.map { "\($0.pid) \($0.transport) \($0.appKey)" }) vs getent \(getent.pid)")

        let doctor = try sandbox.spawn(
            cgroup: "doctor.scope", executable: pinhole, arguments: ["doctor", "--socket", daemon.controlSocketPath] + systemctl, environment: environment)
        #expect(doctor.waitForExit(seconds: 30) == 0 && doctor.stdout.contains("all checks passed"), "doctor: \(doctor.stdout)\n\(doctor.stderr)")
        #expect(doctor.stdout.contains("answers GetInfo as pinholed"), "\(doctor.stdout)")
        daemon.stop()

        let disabled = try sandbox.run(pinhole, ["system-resolver", "disable"] + systemctl)
        #expect(disabled.status == 0, "disable: \(disabled.stdout)\n\(disabled.stderr)")
        // resolved starts again at its place; daemon-reload (the drop-in is gone) before pinholed restarts.
        #expect(etc.changingCalls.suffix(3) == ["enable --now systemd-resolved.service", "daemon-reload", "try-restart pinholed.service"], "\(etc.changingCalls)")
        let changed = Set(before.keys).symmetricDifference(try etc.tree().keys).sorted()
        #expect(changed.isEmpty, "differs after disable: \(changed)")
    }
}

/// A write failing midway inside the sandbox: the switch rolls back and
/// the private /etc is byte-identical to before, no manifest is left.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct SystemResolverRollbackE2ETests {
    @Test func aWriteFailingMidwayLeavesEveryFileAsItWas() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let etc = try PrivateEtc(sandbox: sandbox)
        // A file where resolved's drop-in directory belongs: step 3 cannot be written.
        try FileManager.default.createDirectory(atPath: etc.etc + "/systemd", withIntermediateDirectories: true)
        try PrivateEtc.write(etc.etc + "/systemd/resolved.conf.d", "not a directory\n")
        let before = try etc.tree()
        let state = etc.directory + "/state"
        let run = try sandbox.run(
            try SystemResolverE2ETests.pinhole(), ["system-resolver", "enable", "--yes", "--systemctl", etc.systemctl, "--state-dir", state])
        #expect(run.status != 0 && run.stderr.contains("rolled back"), "\(run.stdout)\n\(run.stderr)")
        let after = try etc.tree()
        #expect(Set(before.keys).symmetricDifference(after.keys).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: state + "/manifest.json"))
        #expect(etc.changingCalls == [])
    }
}
