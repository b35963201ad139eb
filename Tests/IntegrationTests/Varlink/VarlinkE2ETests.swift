import Foundation
import Glibc
import PinholeDaemon
import QueryLog
import Testing
import TestSupport

/// io.systemd.Resolve served by the real pinholed, called by the real
/// client: glibc's getaddrinfo() through nss-resolve (libnss_resolve.so.2
/// from systemd 252) in programs in their own cgroups. Each lookup is
/// answered, attributed to the calling program's own pid (not to a
/// resolver daemon), logged with transport varlink, and decided by that
/// program's profile.
@Suite(.serialized, .enabled(if: VarlinkStage.shouldRun, "needs the namespace sandbox and libnss_resolve.so.2 (scripts/install-deps.sh; PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct VarlinkE2ETests {
    /// app-a enforce (only allowed.example), app-b block-listed (denies blocked.example).
    static func stage() throws -> VarlinkStage {
        try VarlinkStage(profiles: [
            "shop.toml": "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n",
            "browser.toml": "mode = \"block-listed\"\ndeny = [\"blocked.example\"]\n[match]\nunit = \"app-b.scope\"\n",
        ])
    }

    @Test func getaddrinfoIsAnsweredAndAttributedToTheCallingProgram() async throws {
        let stage = try Self.stage()
        let stream = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).follow()
        let followed = Task { () async throws -> [LogRecord] in
            var seen: [LogRecord] = []
            for try await query in stream where query.name == "allowed.example" {
                seen.append(query)
                if seen.count == 2 { break }
            }
            return seen
        }
        let a = try stage.getaddrinfo("app-a.scope", "allowed.example")
        #expect(a.error == nil && Set(a.addresses) == ["192.0.2.1", "2001:db8::1"], "\(a) \(stage.daemon.log.suffix(2000))")
        let getent = try stage.run("app-b.scope", "getent", ["ahosts", "www.example.org"])
        #expect(getent.status == 0 && getent.stdout.contains("192.0.2.1") && getent.stdout.contains("2001:db8::1"), "\(getent)")
        let rows = try stage.rows(atLeast: 4)
        // ResolveHostname without a family is two queries, A and AAAA, each logged.
        let fromA = rows.filter { $0.pid == a.pid }
        #expect(fromA.map(\.qtype).sorted() == [1, 28], "\(rows.map { "\($0.pid) \($0.name) \($0.qtype)" }) vs \(a.pid)")
        #expect(fromA.allSatisfy {
            $0.transport == .varlink && $0.appKey == "app-a.scope" && $0.unit == "app-a.scope" && $0.name == "allowed.example"
                && $0.decision == .allowed && $0.executable?.contains("python3") == true
        }, "\(fromA)")
        // The live stream (pinhole log --follow) shows the same.
        let timeout = Task {
            try await Task.sleep(for: .seconds(5))
            followed.cancel()
        }
        let live = (try? await followed.value) ?? []
        timeout.cancel()
        #expect(live.count == 2 && live.allSatisfy { $0.pid == a.pid && $0.transport == "varlink" && $0.app == "app-a.scope" }, "\(live)")
        let fromB = rows.filter { $0.pid == getent.pid }
        #expect(fromB.count == 2 && fromB.allSatisfy { $0.transport == .varlink && $0.appKey == "app-b.scope" && $0.executable?.hasSuffix("getent") == true })
        // Where the kernel has SO_PEERPIDFD, the pid was checked through it.
        if VarlinkStage.kernelHasPeerPidfd {
            #expect(stage.daemon.log.contains("pid=\(a.pid) pidfd=true"), "\(stage.daemon.log.suffix(3000))")
        }
    }

    /// `pinhole status` names the varlink socket among the listeners, and
    /// `pinhole doctor` passes nsswitch's `resolve` because pinholed itself
    /// answers GetInfo on that socket (both run inside the sandbox, whose
    /// /run/systemd/resolve is the one pinholed serves).
    @Test func statusListsTheVarlinkSocketAndDoctorAsksItWhoItIs() throws {
        let stage = try Self.stage()
        let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path
        let config = stage.daemon.logFile.deletingLastPathComponent().appendingPathComponent("pinhole.toml").path
        let status = try stage.run("status.scope", pinhole, ["status", "--socket", stage.daemon.controlSocketPath])
        #expect(status.status == 0 && status.stdout.contains("listening: \(stage.daemon.endpoint), varlink \(VarlinkStage.socketPath)"),
            "\(status.stdout)\n\(status.stderr)")
        let json = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).status()
        #expect(json.varlink == VarlinkStage.socketPath && json.listeners == [stage.daemon.endpoint], "\(json)")

        let doctor = try stage.run("doctor.scope", pinhole, ["doctor", "--json", "--config", config, "--socket", stage.daemon.controlSocketPath])
        let findings = try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [[String: Any]] ?? []
        let nsswitch = try #require(findings.first { $0["check"] as? String == "nsswitch" }, "\(doctor.stdout)\n\(doctor.stderr)")
        #expect(nsswitch["status"] as? String == "ok", "\(nsswitch)")
        #expect((nsswitch["detail"] as? String)?.contains("answers GetInfo as pinholed") == true, "\(nsswitch)")
    }

    /// Enforcement from a varlink lookup: a governed program that resolves a
    /// name through nss-resolve can connect to its addresses (pinned for its
    /// cgroup before the reply left) and to nothing else.
    @Test func aGovernedProgramReachesWhatItResolvedThroughVarlink() throws {
        let stage = try VarlinkStage(
            profiles: ["shop.toml": "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n"],
            extraConfig: "[enforcement]\nenabled = true\n", internet: true)
        let script = """
            import socket, sys
            try:
                socket.create_connection((sys.argv[1], 8080), timeout=3).close(); print("connected")
            except ConnectionRefusedError: print("refused")
            except OSError as e: print("error", e)
            """
        let byName = try stage.run("app-a.scope", "/usr/bin/python3", ["-c", script, "allowed.example"])
        #expect(byName.stdout.hasPrefix("connected"), "\(byName) \(stage.daemon.log.suffix(2000))")
        let other = try stage.run("app-a.scope", "/usr/bin/python3", ["-c", script, "192.0.2.2"])
        #expect(other.stdout.hasPrefix("refused"), "\(other)")
        let pins = try stage.sandbox.run("nft", ["list", "set", "inet", "pinhole", "pin4"])
        #expect(pins.stdout.contains("\"app-a.scope\" . 192.0.2.1"), "\(pins.stdout)")
    }

    @Test func aBlockedNameIsNoSuchHostForThatProgramOnly() throws {
        let stage = try Self.stage()
        // app-a's enforce profile allows only allowed.example; app-b's denies blocked.example.
        #expect(try stage.getaddrinfo("app-a.scope", "other.example").error == "EAI_NONAME")
        #expect(try stage.getaddrinfo("app-b.scope", "blocked.example").error == "EAI_NONAME")
        #expect(try stage.getaddrinfo("app-b.scope", "other.example").addresses.contains("192.0.2.1"))
        let getent = try stage.run("app-b.scope", "getent", ["ahosts", "blocked.example"])
        #expect(getent.status == 2 && getent.stdout.isEmpty, "getent exits 2 for a name that does not exist: \(getent)")
        let rows = try stage.rows(atLeast: 8)
        let blocked = rows.filter { $0.name == "blocked.example" }
        #expect(!blocked.isEmpty && blocked.allSatisfy { $0.decision == .blocked && $0.appKey == "app-b.scope" && $0.transport == .varlink })
    }

    @Test func nxdomainIsNotFoundNotTryAgainAndAddressesResolveBack() throws {
        let stage = try Self.stage()
        #expect(try stage.getaddrinfo("app-b.scope", "nxdomain.example").error == "EAI_NONAME")
        // gethostbyaddr → ResolveAddress → PTR.
        let reverse = try stage.run("app-b.scope", "getent", ["hosts", "192.0.2.1"])
        #expect(reverse.status == 0 && reverse.stdout.contains("ptr-answer.example"), "\(reverse)")
        let rows = try stage.rows(atLeast: 3)
        #expect(rows.contains { $0.name == "1.2.0.192.in-addr.arpa" && $0.qtype == 12 && $0.pid == reverse.pid && $0.transport == .varlink })
    }

    /// Search domains and IDNA, as systemd-resolved does them for
    /// nss-resolve: with `search absent.test search.test` in the resolv.conf
    /// pinholed reads (as `system-resolver enable` writes it), a single-label
    /// name is tried under each domain in turn (host.absent.test is NXDOMAIN,
    /// host.search.test answers), each try logged for the caller; a UTF-8
    /// name from gethostbyname is asked as its A-label; the NO_SEARCH flag
    /// and a trailing dot ask the name as given.
    @Test func singleLabelNamesGoThroughTheSearchDomainsAndUnicodeNamesAsALabels() throws {
        let resolvConf = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-search-\(UUID().uuidString).conf")
        try "nameserver 127.0.0.2\nsearch absent.test search.test\n".write(to: resolvConf, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: resolvConf) }
        let stage = try VarlinkStage(
            profiles: ["browser.toml": "mode = \"block-listed\"\ndeny = [\"blocked.example\"]\n[match]\nunit = \"app-b.scope\"\n"],
            extraConfig: "[upstream]\nresolv_conf = \"\(resolvConf.path)\"\n")
        #expect(stage.daemon.log.contains("search=absent.test search.test"), "\(stage.daemon.log.suffix(2000))")

        let a = try stage.getaddrinfo("app-b.scope", "host")
        #expect(a.error == nil && Set(a.addresses) == ["192.0.2.1", "2001:db8::1"], "\(a) \(stage.daemon.log.suffix(2000))")
        // getent ahosts prints the canonical name: the expanded one.
        let ahosts = try stage.run("app-b.scope", "getent", ["ahosts", "host"])
        #expect(ahosts.status == 0 && ahosts.stdout.contains("host.search.test"), "\(ahosts)")
        // gethostbyname passes the UTF-8 name to nss-resolve unconverted.
        let unicode = try stage.run("app-b.scope", "getent", ["hosts", "bücher.example"])
        #expect(unicode.status == 0 && unicode.stdout.contains("xn--bcher-kva.example"), "\(unicode) \(stage.daemon.log.suffix(2000))")
        let invalid = try stage.run("app-b.scope", "getent", ["hosts", "\u{0301}x.example"])
        #expect(invalid.status == 2, "a name without an A-label form does not exist: \(invalid)")

        let script = #"""
            import json, socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect("/run/systemd/resolve/io.systemd.Resolve")
            def call(name, flags=0, ifindex=0):
                parameters = {"name": name, "family": 2, "flags": flags, "ifindex": ifindex}
                request = {"method": "io.systemd.Resolve.ResolveHostname", "parameters": parameters}
                s.sendall(json.dumps(request).encode() + b"\0")
                data = b""
                while not data.endswith(b"\0"):
                    data += s.recv(65536)
                return json.loads(data[:-1])
            print(json.dumps({"nosearch": call("plain", 256), "dotted": call("dotted."), "nowhere": call("nxdomain"), "ifindex": call("x.example", 0, 999999)}))
            """#
        let raw = try stage.run("app-b.scope", "/usr/bin/python3", ["-c", script])
        let output = try #require(try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: [String: Any]], "\(raw)")
        #expect((output["nosearch"]?["parameters"] as? [String: Any])?["name"] as? String == "plain", "\(output)")
        #expect((output["dotted"]?["parameters"] as? [String: Any])?["name"] as? String == "dotted", "\(output)")
        // Every candidate fails: the last one's NXDOMAIN.
        #expect(output["nowhere"]?["error"] as? String == "io.systemd.Resolve.DNSError", "\(output)")
        // No interface 999999 in the sandbox: no servers for it, and nothing asked.
        #expect(output["ifindex"]?["error"] as? String == "io.systemd.Resolve.NoNameServers", "\(output)")

        let rows = try stage.rows(atLeast: 12)
        func names(_ pid: Int32) -> [String] { rows.filter { $0.pid == pid && $0.qtype == 1 }.sorted { $0.id < $1.id }.map(\.name) }
        #expect(names(a.pid) == ["host.absent.test", "host.search.test"], "\(rows.map { "\($0.pid) \($0.name)" })")
        #expect(rows.filter { $0.pid == a.pid }.allSatisfy { $0.transport == .varlink && $0.appKey == "app-b.scope" })
        // getent hosts asks AAAA first (gethostbyname2(AF_INET6)), and that answers.
        #expect(Set(rows.filter { $0.pid == unicode.pid }.map(\.name)) == ["xn--bcher-kva.example"], "\(rows.map { "\($0.pid) \($0.name)" })")
        #expect(rows.filter { $0.pid == invalid.pid }.isEmpty)
        #expect(names(raw.pid) == ["plain", "dotted", "nxdomain.absent.test", "nxdomain.search.test"], "\(names(raw.pid))")
    }

    /// The search list is read again on reload: start with `absent.test`
    /// (host.absent.test is NXDOMAIN), switch pinhole.toml's
    /// `[upstream] search` to `search.test` and SIGHUP, and "host" is then
    /// host.search.test; the control socket's `reload` re-reads it too.
    @Test func aReloadReadsTheSearchDomainsAgain() throws {
        let stage = try VarlinkStage(
            profiles: ["browser.toml": "mode = \"learn\"\n[match]\nunit = \"app-b.scope\"\n"],
            extraConfig: "[upstream]\nsearch = [\"absent.test\"]\n")
        let config = stage.daemon.logFile.deletingLastPathComponent().appendingPathComponent("pinhole.toml")
        let original = try String(contentsOf: config, encoding: .utf8)
        func setSearch(_ domain: String) throws {
            try original.replacingOccurrences(of: "search = [\"absent.test\"]", with: "search = [\"\(domain)\"]")
                .write(to: config, atomically: true, encoding: .utf8)
        }
        // One ResolveHostname of the single label "host" (A only), raw: the reply's name or error.
        func resolveHost() throws -> String {
            let script = #"""
                import json, socket
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect("/run/systemd/resolve/io.systemd.Resolve")
                request = {"method": "io.systemd.Resolve.ResolveHostname", "parameters": {"name": "host", "family": 2, "flags": 0}}
                s.sendall(json.dumps(request).encode() + b"\0")
                data = b""
                while not data.endswith(b"\0"):
                    data += s.recv(65536)
                reply = json.loads(data[:-1])
                print(reply.get("error") or reply["parameters"]["name"])
                """#
            let run = try stage.run("app-b.scope", "/usr/bin/python3", ["-c", script])
            return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + run.stderr
        }
        /// The log line saying the search domains changed, after `offset`.
        func changeLine(after offset: Int) -> String {
            stage.daemon.log.dropFirst(offset).split(separator: "\n").first { $0.contains("varlink: search domains changed") }.map(String.init) ?? ""
        }
        func waitForLog(_ text: String, after offset: Int) throws {
            let deadline = Date().addingTimeInterval(10)
            while !stage.daemon.log.dropFirst(offset).contains(text) {
                guard Date() < deadline else { throw TestFailure("no \"\(text)\" in pinholed's log:\n\(stage.daemon.log.suffix(2000))") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        #expect(stage.daemon.log.contains("search=absent.test"), "\(stage.daemon.log.suffix(2000))")
        #expect(try resolveHost() == "io.systemd.Resolve.DNSError", "host.absent.test does not exist")

        try setSearch("search.test")
        var offset = stage.daemon.log.count
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        try waitForLog("policy reloaded", after: offset)
        let changed = changeLine(after: offset)
        #expect(changed.contains("search=search.test") && changed.contains("was=absent.test"), "\(stage.daemon.log.suffix(2000))")
        #expect(try resolveHost() == "host.search.test", "\(stage.daemon.log.suffix(2000))")

        try setSearch("absent.test")
        offset = stage.daemon.log.count
        _ = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).reload()
        let back = changeLine(after: offset)
        #expect(back.contains("search=absent.test") && back.contains("was=search.test"), "\(stage.daemon.log.suffix(2000))")
        #expect(try resolveHost() == "io.systemd.Resolve.DNSError")
        let rows = try stage.rows(atLeast: 3)
        let asked = rows.filter { $0.appKey == "app-b.scope" }.sorted { $0.id < $1.id }.map(\.name)
        #expect(asked == ["host.absent.test", "host.search.test", "host.absent.test"], "\(asked)")
    }

    /// A raw varlink client (python3) on the socket: introspection, bad and
    /// oversized messages, many connections; then DNS over UDP still works.
    @Test func badInputAndManyConnectionsLeaveTheDaemonAnswering() throws {
        let stage = try Self.stage()
        let script = #"""
            import json, socket, sys
            path = "/run/systemd/resolve/io.systemd.Resolve"
            def connect():
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(path)
                return s
            def read(s):
                data = b""
                while not data.endswith(b"\0"):
                    chunk = s.recv(65536)
                    if not chunk:
                        return None
                    data += chunk
                return json.loads(data[:-1])
            def call(s, raw):
                s.sendall(raw + b"\0")
                return read(s)
            out = {}
            s = connect()
            out["info"] = call(s, b'{"method":"org.varlink.service.GetInfo"}')
            out["describe"] = call(s, b'{"method":"org.varlink.service.GetInterfaceDescription","parameters":{"interface":"io.systemd.Resolve"}}')
            out["unknown"] = call(s, b'{"method":"io.systemd.Resolve.Frobnicate","parameters":{}}')
            out["garbage"] = call(s, b'{"method": [1,2,')
            out["binary"] = call(s, bytes(range(1, 200)))
            out["badname"] = call(s, b'{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"a..b"}}')
            out["after"] = call(s, b'{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"after.example","family":2}}')
            s.close()
            s = connect()
            s.sendall(b'{"method":"org.varlink.service.GetInfo","parameters":{"x":"' + b"a" * 100000)
            out["oversized"] = read(s)
            out["oversized_closed"] = read(s) is None
            conns = []
            refused = 0
            for i in range(300):
                try:
                    c = connect()
                    conns.append(c)
                except OSError:
                    refused += 1
            answered = 0
            for c in conns:
                try:
                    if call(c, b'{"method":"org.varlink.service.GetInfo"}'):
                        answered += 1
                except OSError:
                    pass
            out["many_answered"] = answered
            for c in conns:
                c.close()
            s = connect()
            out["final"] = call(s, b'{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"final.example"}}')
            print(json.dumps(out))
            """#
        // One lookup first, so the query log's files are open before counting.
        #expect(try stage.getaddrinfo("app-b.scope", "warm-up.example").error == nil)
        _ = try stage.rows(atLeast: 2)
        let targetsBefore = stage.daemonDescriptorTargets
        let result = try stage.run("app-b.scope", "/usr/bin/python3", ["-c", script], seconds: 60)
        // Every connection's descriptors (socket, pidfd) are closed again.
        let deadline = Date().addingTimeInterval(3)
        while stage.daemonDescriptors > targetsBefore.count + 2 && Date() < deadline { usleep(50_000) }
        #expect(stage.daemonDescriptors <= targetsBefore.count + 2, "\(targetsBefore) → \(stage.daemonDescriptorTargets)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)\n\(stage.daemon.log.suffix(2000))")
        func error(_ key: String) -> String? { (output[key] as? [String: Any])?["error"] as? String }
        func parameters(_ key: String) -> [String: Any] { ((output[key] as? [String: Any])?["parameters"] as? [String: Any]) ?? [:] }
        #expect((parameters("info")["interfaces"] as? [String]) == ["org.varlink.service", "io.systemd.Resolve"])
        #expect((parameters("describe")["description"] as? String)?.contains("method ResolveHostname(") == true)
        #expect(error("unknown") == "org.varlink.service.MethodNotFound")
        #expect(error("garbage") == "org.varlink.service.InvalidParameter" && error("binary") == "org.varlink.service.InvalidParameter")
        #expect(error("badname") == "org.varlink.service.InvalidParameter" && (parameters("badname")["parameter"] as? String) == "name")
        #expect(error("after") == nil && parameters("after")["name"] as? String == "after.example")
        #expect(error("oversized") == "org.varlink.service.InvalidParameter" && output["oversized_closed"] as? Bool == true)
        // 256 connections at most at once: the rest are closed unanswered.
        let answered = output["many_answered"] as? Int ?? -1
        #expect(answered >= 200 && answered <= 256, "\(answered) of 300 connections answered")
        #expect(error("final") == nil && (parameters("final")["addresses"] as? [Any])?.count == 2, "\(output["final"] ?? "nil")")
        // And plain DNS over UDP still works.
        let dig = try stage.run("app-b.scope", "dig", ["@127.0.0.1", "+short", "+tries=1", "+time=3", "udp-after.example"])
        #expect(dig.status == 0 && dig.stdout.contains("192.0.2.1"), "\(dig)")
        #expect(stage.daemon.process.isRunning)
    }
}
