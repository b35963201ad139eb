import Foundation
import Glibc
import Testing
import TestSupport

/// Every query attributed to the process that sent it: the real pinholed in
/// a namespace sandbox, real client programs (pinhole-test-client, dig,
/// kdig) as processes in their own cgroups, the real kernel's socket table.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct AttributionE2ETests {
    private struct Case {
        var cgroup: String
        var program: String
        var arguments: [String]
        var transport: String
        var qtype: String
        var key: String?  // nil: the executable path
        var unit: String
    }

    @Test func programsInTheirOwnCgroupsOverUDPAndTCPv4AndV6() throws {
        let stage = try AttributionSandbox()
        let client = try AttributionSandbox.testClientPath()
        let flatpak = "user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.example.App-1234.scope"
        let cases: [Case] = [
            Case(cgroup: "app-a.scope", program: client, arguments: ["--server", "127.0.0.1:53"],
                 transport: "udp", qtype: "A", key: "app-a.scope", unit: "app-a.scope"),
            Case(cgroup: "system.slice/nginx.service", program: client, arguments: ["--server", "127.0.0.1:53", "--tcp"],
                 transport: "tcp", qtype: "A", key: "nginx.service", unit: "nginx.service"),
            Case(cgroup: "app-b.scope", program: client, arguments: ["--server", "[::1]:53", "--type", "AAAA"],
                 transport: "udp", qtype: "AAAA", key: "app-b.scope", unit: "app-b.scope"),
            Case(cgroup: "app-c.scope", program: client, arguments: ["--server", "[::1]:53", "--tcp"],
                 transport: "tcp", qtype: "A", key: "app-c.scope", unit: "app-c.scope"),
            Case(cgroup: "app-d.scope", program: client, arguments: ["--server", "127.0.0.1:53", "--dual-stack"],
                 transport: "udp", qtype: "A", key: "app-d.scope", unit: "app-d.scope"),
            Case(cgroup: flatpak, program: "/usr/bin/dig", arguments: ["@::1", "-p", "53", "+tries=1", "+time=3", "AAAA"],
                 transport: "udp", qtype: "AAAA", key: "flatpak:org.example.App", unit: "user@1000.service"),
            Case(cgroup: "user.slice/user-1000.slice/session-2.scope", program: "/usr/bin/kdig",
                 arguments: ["@127.0.0.1", "+tcp", "+retry=0", "+time=3"],
                 transport: "tcp", qtype: "A", key: nil, unit: "session-2.scope"),
        ]
        for (index, item) in cases.enumerated() {
            let name = "case\(index).example"
            // dig and kdig take the name as an argument; the test client as --name.
            let arguments = item.program == client ? item.arguments + ["--name", name] : item.arguments + [name]
            let process = try stage.sandbox.spawn(cgroup: item.cgroup, executable: item.program, arguments: arguments)
            #expect(process.waitForExit() == 0, "case \(index): \(process.stdout)\(process.stderr)")
            let line = try stage.line(for: name)
            let context: Comment = "case \(index) (\(item.cgroup)): \(line)"
            #expect(line["pid"] == String(process.pid), context)
            #expect(line["exe"] == item.program, context)
            #expect(line["cgroup"] == "/" + item.cgroup, context)
            #expect(line["app"] == item.key ?? item.program, context)
            #expect(line["unit"] == item.unit, context)
            #expect(line["transport"] == item.transport, context)
            #expect(line["qtype"] == item.qtype, context)
            #expect(line["uid"] == "0", context)
            #expect(line["socket_cgroup_id"] == String(try stage.sandbox.cgroupID(item.cgroup)), context)
        }
        let flatpakLine = try stage.line(for: "case5.example")
        #expect(flatpakLine["user_unit"] == "app-flatpak-org.example.App-1234.scope")
    }

    @Test func fiftyConcurrentClientsInFiveCgroups() throws {
        let stage = try AttributionSandbox()
        let go = stage.folder.appendingPathComponent("go").path
        var clients: [(SandboxProcess, String, String)] = []
        for index in 0..<50 {
            let cgroup = "app-\(index % 5).scope"
            let name = "c\(index).example"
            let tcp = index % 3 == 0 ? ["--tcp"] : []
            clients.append((try stage.client(cgroup, name: name, ["--wait-file", go] + tcp), cgroup, name))
        }
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        for (process, _, name) in clients {
            #expect(process.waitForExit(seconds: 20) == 0, "\(name): \(process.stdout)\(process.stderr)")
        }
        let lines = QueryLogLines.wait(for: stage.daemon, count: 50, seconds: 20) { ($0["qname"] ?? "").hasPrefix("c") }
        #expect(lines.count == 50)
        for (process, cgroup, name) in clients {
            let line = lines.first { $0["qname"] == name + "." }
            #expect(line?["pid"] == String(process.pid), "\(name): \(line ?? [:])")
            #expect(line?["cgroup"] == "/" + cgroup, "\(name)")
            #expect(line?["app"] == cgroup, "\(name)")
        }
    }

    @Test func aForkedChildIsItselfWithTheSameAppKey() throws {
        let stage = try AttributionSandbox()
        let parent = try stage.client("app-f.scope", name: "forked.example", ["--fork"])
        #expect(parent.waitForExit() == 0, "\(parent.stdout)\(parent.stderr)")
        let child = try #require(parent.events(named: "forked").first?["child"] as? Int, "\(parent.stdout)")
        #expect(child != Int(parent.pid))
        let line = try stage.line(for: "forked.example")
        #expect(line["pid"] == String(child))
        #expect(line["app"] == "app-f.scope")
        #expect(line["exe"] == (try AttributionSandbox.testClientPath()))
    }

    @Test func aClientGoneBeforeTheLookupIsUnknownExited() throws {
        let stage = try AttributionSandbox()
        // Freeze pinholed so the client is surely gone when it reads the query.
        kill(stage.daemon.process.processIdentifier, SIGSTOP)
        let client = try stage.client("app-e.scope", name: "gone.example", ["--exit-after-send"])
        let status = client.waitForExit()
        kill(stage.daemon.process.processIdentifier, SIGCONT)
        #expect(status == 0, "\(client.stdout)\(client.stderr)")
        let line = try stage.line(for: "gone.example")
        #expect(line["app"] == "unknown")
        #expect(line["reason"] == "exited")
        #expect(line["pid"] == nil)
    }

    @Test func aSocketPassedToAnotherProcessIsAttributedToItsUser() throws {
        let stage = try AttributionSandbox()
        let path = stage.folder.appendingPathComponent("pass.sock").path
        let receiver = try stage.client("app-recv.scope", name: "passed.example", ["--receive-socket", path])
        _ = try receiver.waitForEvent("receiving")
        let sender = try stage.client("app-send.scope", name: "unused.example", ["--send-socket", path])
        #expect(sender.waitForExit() == 0, "\(sender.stdout)\(sender.stderr)")
        #expect(receiver.waitForExit() == 0, "\(receiver.stdout)\(receiver.stderr)")
        let line = try stage.line(for: "passed.example")
        #expect(line["pid"] == String(receiver.pid))
        #expect(line["cgroup"] == "/app-recv.scope")
        #expect(line["app"] == "app-recv.scope")
        // The socket still belongs to the cgroup that made it: what nftables matches.
        #expect(line["socket_cgroup_id"] == String(try stage.sandbox.cgroupID("app-send.scope")))
    }

    @Test func aDeletedExecutableIsNamedAsDeleted() throws {
        let stage = try AttributionSandbox()
        let doomed = try stage.copyOfTestClient(named: "doomed-client")
        let go = stage.folder.appendingPathComponent("go").path
        let process = try stage.sandbox.spawn(
            cgroup: "app-del.scope", executable: doomed, arguments: ["--server", "127.0.0.1:53", "--name", "deleted.example", "--wait-file", go])
        _ = try process.waitForEvent("waiting")
        try FileManager.default.removeItem(atPath: doomed)
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        #expect(process.waitForExit() == 0, "\(process.stdout)\(process.stderr)")
        let line = try stage.line(for: "deleted.example")
        #expect(line["pid"] == String(process.pid))
        #expect(line["exe"] == doomed + " (deleted)")
        #expect(line["app"] == "app-del.scope")
    }

    @Test func aReusedPidNeverInheritsTheOldIdentity() throws {
        let stage = try AttributionSandbox()
        let first = try stage.client("app-reuse.scope", name: "first.example")
        #expect(first.waitForExit() == 0)
        let firstLine = try stage.line(for: "first.example")
        #expect(firstLine["exe"] == (try AttributionSandbox.testClientPath()))
        let pid = first.pid

        // Another program, same cgroup, same pid: steer the kernel's next pid there.
        let other = try stage.copyOfTestClient(named: "other-client")
        let go = stage.folder.appendingPathComponent("go").path
        var second: SandboxProcess?
        for _ in 0..<50 where second == nil {
            try String(pid - 1).write(toFile: "/proc/sys/kernel/ns_last_pid", atomically: false, encoding: .utf8)
            let candidate = try stage.sandbox.spawn(
                cgroup: "app-reuse.scope", executable: other,
                arguments: ["--server", "127.0.0.1:53", "--name", "second.example", "--wait-file", go])
            if candidate.pid == pid { second = candidate } else { candidate.kill() }
        }
        let reused = try #require(second, "could not start a process with pid \(pid) again")
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        #expect(reused.waitForExit() == 0, "\(reused.stdout)\(reused.stderr)")
        let line = try stage.line(for: "second.example")
        #expect(line["pid"] == String(pid))
        #expect(line["exe"] == other)
        #expect(line["app"] == "app-reuse.scope")
    }

    @Test func aQueryFromAnotherNetworkNamespaceIsRemote() throws {
        // "Another host": a process in a network namespace of its own (not
        // `ip netns add`, which would leave a file in the host's /run),
        // joined to the sandbox by a veth pair, made before pinholed binds 10.99.0.1.
        var remote: SandboxProcess?
        let stage = try AttributionSandbox(extraListen: ["10.99.0.1:53"]) { sandbox in
            let holder = try sandbox.spawn(cgroup: "remote.scope", executable: "unshare", arguments: ["-n", "sleep", "600"])
            remote = holder
            let pid = String(holder.pid)
            // Wait until unshare has made the namespace and exec'd sleep.
            for _ in 0..<200 where (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) != "sleep\n" { usleep(10_000) }
            for (tool, arguments) in [
                ("ip", ["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]),
                ("ip", ["link", "set", "veth1", "netns", pid]),
                ("ip", ["addr", "add", "10.99.0.1/24", "dev", "veth0"]),
                ("ip", ["link", "set", "veth0", "up"]),
                ("nsenter", ["--target", pid, "--net", "ip", "addr", "add", "10.99.0.2/24", "dev", "veth1"]),
                ("nsenter", ["--target", pid, "--net", "ip", "link", "set", "veth1", "up"]),
            ] {
                let result = try sandbox.run(tool, arguments)
                try #require(result.status == 0, "\(tool) \(arguments.joined(separator: " ")): \(result.stderr)")
            }
        }
        let pid = try #require(remote?.pid)
        let result = try stage.sandbox.run(
            "nsenter", ["--target", String(pid), "--net", "dig", "@10.99.0.1", "+tries=1", "+time=3", "remote.example"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let line = try stage.line(for: "remote.example")
        #expect(line["app"] == "unknown")
        #expect(line["reason"] == "remote")
        #expect(line["client"]?.hasPrefix("10.99.0.2:") == true)
    }

    /// A client with a hard-coded resolver whose queries a nat output rule
    /// redirects to pinholed (what enforcement will install): its socket is
    /// connected to 192.0.2.53, not to pinholed's address, so the exact
    /// lookup misses and the port-filtered dump finds it.
    @Test(arguments: [[], ["--tcp"]])
    func aRedirectedQueryIsAttributedByItsSourceTuple(transportArguments: [String]) throws {
        try #require(TestEnvironment.which("nft") != nil || !TestEnvironment.requireE2E, "nft is not installed")
        guard TestEnvironment.which("nft") != nil else { return }
        let stage = try AttributionSandbox { sandbox in
            let script = """
                table ip dnsredirect {
                    chain out {
                        type nat hook output priority -100;
                        ip daddr 192.0.2.53 udp dport 53 redirect to :53
                        ip daddr 192.0.2.53 tcp dport 53 redirect to :53
                    }
                }
                """
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("redirect-\(UUID().uuidString).nft")
            try script.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            for (tool, arguments) in [("ip", ["route", "add", "192.0.2.0/24", "dev", "lo", "src", "127.0.0.1"]), ("nft", ["-f", file.path])] {
                let result = try sandbox.run(tool, arguments)
                try #require(result.status == 0, "\(tool) \(arguments.joined(separator: " ")): \(result.stderr)")
            }
        }
        let client = try stage.client("app-redir.scope", name: "redirected.example", transportArguments, server: "192.0.2.53:53")
        #expect(client.waitForExit() == 0, "\(client.stdout)\(client.stderr)")
        let line = try stage.line(for: "redirected.example")
        #expect(line["pid"] == String(client.pid))
        #expect(line["app"] == "app-redir.scope")
        #expect(line["transport"] == (transportArguments.isEmpty ? "udp" : "tcp"))
    }

    /// pinholed without root cannot read a root process's /proc/PID/fd:
    /// the query is `unknown`/`permission`, never someone else's.
    @Test func anUnprivilegedDaemonSaysPermission() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()
        // Port 53 without CAP_NET_BIND_SERVICE, in this network namespace only.
        let sysctl = try sandbox.run("sysctl", ["-w", "net.ipv4.ip_unprivileged_port_start=0"])
        try #require(sysctl.status == 0, "\(sysctl.stderr)")
        let daemon = try DaemonProcess(
            address: "127.0.0.1", port: 53, upstreams: ["127.0.0.2:53"],
            launcher: try sandbox.launcher(cgroup: "system.slice/pinholed.service")
                + ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        defer { daemon.stop() }
        let client = try sandbox.spawnTestClient(cgroup: "app-root.scope", arguments: ["--server", "127.0.0.1:53", "--name", "denied.example"])
        #expect(client.waitForExit() == 0, "\(client.stdout)\(client.stderr)")
        let line = try #require(
            QueryLogLines.wait(for: daemon) { $0["qname"] == "denied.example." }.first, "\(daemon.log.suffix(2000))")
        #expect(line["app"] == "unknown")
        #expect(line["reason"] == "permission")
        #expect(line["socket_cgroup_id"] == String(try sandbox.cgroupID("app-root.scope")))
    }

    @Test func withAttributionOffEveryQueryIsUnknownDisabled() throws {
        let stage = try AttributionSandbox(configText: "[attribution]\nenabled = false\n")
        let client = try stage.client("app-off.scope", name: "off.example")
        #expect(client.waitForExit() == 0)
        let line = try stage.line(for: "off.example")
        #expect(line["app"] == "unknown")
        #expect(line["reason"] == "disabled")
    }
}
