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
        FileManager.default.createFile(atPath: go, contents: nil)
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
        FileManager.default.createFile(atPath: go, contents: nil)
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
        FileManager.default.createFile(atPath: go, contents: nil)
        #expect(reused.waitForExit() == 0, "\(reused.stdout)\(reused.stderr)")
        let line = try stage.line(for: "second.example")
        #expect(line["pid"] == String(pid))
        #expect(line["exe"] == other)
        #expect(line["app"] == "app-reuse.scope")
    }

    @Test func aQueryFromAnotherNetworkNamespaceIsRemote() throws {
        // A veth pair to a second namespace ("another host"), made before pinholed binds 10.99.0.1.
        let stage = try AttributionSandbox(extraListen: ["10.99.0.1:53"]) { sandbox in
            for command in [
                ["netns", "add", "remote"],
                ["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"],
                ["link", "set", "veth1", "netns", "remote"],
                ["addr", "add", "10.99.0.1/24", "dev", "veth0"],
                ["link", "set", "veth0", "up"],
                ["netns", "exec", "remote", "ip", "addr", "add", "10.99.0.2/24", "dev", "veth1"],
                ["netns", "exec", "remote", "ip", "link", "set", "veth1", "up"],
                ["netns", "exec", "remote", "ip", "link", "set", "lo", "up"],
            ] {
                let result = try sandbox.run("ip", command)
                try #require(result.status == 0, "ip \(command.joined(separator: " ")): \(result.stderr)")
            }
        }
        let result = try stage.sandbox.run(
            "ip", ["netns", "exec", "remote", "dig", "@10.99.0.1", "+tries=1", "+time=3", "remote.example"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let line = try stage.line(for: "remote.example")
        #expect(line["app"] == "unknown")
        #expect(line["reason"] == "remote")
        #expect(line["client"]?.hasPrefix("10.99.0.2:") == true)
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
