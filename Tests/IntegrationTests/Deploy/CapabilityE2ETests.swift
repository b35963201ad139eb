import Foundation
import Glibc
import Testing
import TestSupport

/// The capabilities deploy/pinholed.service grants are enough and each one
/// is needed: the real pinholed runs as an unprivileged uid with exactly the
/// unit's AmbientCapabilities (setpriv) in a namespace sandbox, answering
/// on port 53, attributing another user's dig, building the nft table and
/// pinning, on both cgroup layouts (a hybrid host too: CAP_SYS_ADMIN is not
/// needed there); then once per capability without it, and what needs it
/// fails.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct CapabilityE2ETests {
    /// The unit's AmbientCapabilities (and CapabilityBoundingSet, which must match).
    static let unitCapabilities: [String] = {
        let unit = (try? String(contentsOf: InstallTests.sourceRoot.appendingPathComponent("deploy/pinholed.service"), encoding: .utf8)) ?? ""
        func list(_ key: String) -> [String] {
            unit.split(separator: "\n").first { $0.hasPrefix(key + "=") }
                .map { $0.dropFirst(key.count + 1).split(separator: " ").map(String.init).sorted() } ?? []
        }
        let ambient = list("AmbientCapabilities")
        return ambient == list("CapabilityBoundingSet") ? ambient : []
    }()

    /// What breaks without each capability, as pinholed reports it.
    enum Loss {
        /// pinholed refuses to start, saying this.
        case startFails(String)
        /// pinholed answers, but the query is not attributed to dig.
        case attributionFails
    }

    static let losses: [String: Loss] = [
        "CAP_NET_BIND_SERVICE": .startFails("no permission to listen on 127.0.0.1:53"),
        "CAP_NET_ADMIN": .startFails("needs CAP_NET_ADMIN"),
        "CAP_SYS_PTRACE": .attributionFails,
        "CAP_DAC_READ_SEARCH": .attributionFails,
    ]

    /// A sandbox with an upstream, an enforce profile for app-a.scope, and
    /// pinholed as uid 65534 with `capabilities`.
    final class Stage {
        let folder: URL
        let sandbox: NamespaceSandbox
        let daemon: DaemonProcess

        init(capabilities: [String], layout: NamespaceSandboxLayout = .unified) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-caps-\(UUID().uuidString.prefix(8))")
            let profiles = folder.appendingPathComponent("apps.d")
            let writable = folder.appendingPathComponent("state")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: writable, withIntermediateDirectories: true)
            chmod(writable.path, 0o777)
            try "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n"
                .write(to: profiles.appendingPathComponent("shop.toml"), atomically: true, encoding: .utf8)
            sandbox = try NamespaceSandbox(layout: layout)
            _ = try sandbox.startResponder()  // answers A 192.0.2.1
            let caps = capabilities.map { "+" + $0.dropFirst(4).lowercased() }.joined(separator: ",")
            let setpriv = try #require(TestEnvironment.which("setpriv"), "setpriv not installed (util-linux)")
            daemon = try DaemonProcess(
                address: "127.0.0.1", port: 53, upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\nlists_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n",
                arguments: ["--query-log", writable.path + "/q.sqlite", "--control-socket", writable.path + "/control.sock"],
                waitForReady: false,
                launcher: try sandbox.launcher(cgroup: "system.slice/pinholed.service") + [
                    setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups",
                    "--inh-caps", caps.isEmpty ? "-all" : caps, "--ambient-caps", caps.isEmpty ? "-all" : caps,
                ])
        }

        deinit {
            daemon.stop()
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// dig as uid 1000 from app-a.scope: the answer lines.
        func digAsAnotherUser() throws -> String {
            let dig = try sandbox.run(
                "setpriv", ["--reuid", "1000", "--regid", "1000", "--clear-groups", "dig", "@127.0.0.1", "+short", "+tries=1", "+time=3", "allowed.example"],
                cgroup: "app-a.scope")
            return dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// pinholed's query line for allowed.example.
        func queryLine() -> [String: String]? {
            QueryLogLines.wait(for: daemon) { $0["qname"] == "allowed.example." }.last
        }
    }

    @Test("The unit's capabilities suffice: port 53, another user's process attributed, nft table and pins",
          arguments: [NamespaceSandboxLayout.unified, .hybrid])
    func unitCapabilitiesSuffice(_ layout: NamespaceSandboxLayout) throws {
        #expect(Set(Self.unitCapabilities) == Set(Self.losses.keys), "the unit grants \(Self.unitCapabilities); each needs a reason here")
        let stage = try Stage(capabilities: Self.unitCapabilities, layout: layout)
        try stage.daemon.waitForReady()
        #expect(try stage.digAsAnotherUser() == "192.0.2.1")
        let line = try #require(stage.queryLine(), "no query line:\n\(stage.daemon.log)")
        #expect(line["exe"]?.hasSuffix("/dig") == true, "not attributed to dig: \(line)")
        #expect(line["uid"] == "1000", "\(line)")
        let pins = try stage.sandbox.run("nft", ["list", "set", "inet", "pinhole", "pin4"])
        // nft names a cgroup id by the path under /sys/fs/cgroup that has it: below unified/ on a hybrid host.
        let key = layout == .unified ? "\"app-a.scope\"" : "\"unified/app-a.scope\""
        #expect(pins.stdout.contains("\(key) . 192.0.2.1"), "\(pins.stdout)\(pins.stderr)")
        // Governed from the kernel's point of view: the app reaches what it resolved and nothing else.
        let internet = try SandboxInternet(in: stage.sandbox)
        #expect(try internet.connect(from: stage.sandbox, cgroup: "app-a.scope", to: "192.0.2.1") == .connected)
        #expect(try internet.connect(from: stage.sandbox, cgroup: "app-a.scope", to: "192.0.2.2") == .refused)
        // It really ran unprivileged: uid 65534 with nothing but the unit's set.
        let status = try String(contentsOfFile: "/proc/\(stage.daemon.process.processIdentifier)/status", encoding: .utf8)
        #expect(status.contains("\nUid:\t65534\t65534\t65534\t65534\n"), "\(status)")
        #expect(stage.daemon.stop() == 0, "\(stage.daemon.log.suffix(2000))")
    }

    @Test("Each capability of the unit is needed", arguments: Array(losses.keys).sorted())
    func eachCapabilityIsNeeded(_ capability: String) throws {
        let stage = try Stage(capabilities: Self.unitCapabilities.filter { $0 != capability })
        switch Self.losses[capability]! {
        case .startFails(let message):
            #expect(stage.daemon.waitForExit(seconds: 20) == 1, "pinholed started without \(capability):\n\(stage.daemon.log)")
            #expect(stage.daemon.log.contains(message), "\(stage.daemon.log)")
        case .attributionFails:
            try stage.daemon.waitForReady()
            #expect(try stage.digAsAnotherUser() == "192.0.2.1")
            let line = try #require(stage.queryLine(), "no query line:\n\(stage.daemon.log)")
            #expect(line["exe"] == nil && line["app"] == "unknown", "attributed without \(capability): \(line)")
        }
    }
}
