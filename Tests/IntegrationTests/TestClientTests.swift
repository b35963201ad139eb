import Foundation
import Testing
import TestSupport

/// `pinhole-test-client` against its own `--serve` responder and against the
/// real pinholed, all as real processes inside one namespace sandbox: the
/// events it prints are what the attribution e2e tests will rely on.
@Suite(.enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (set PINHOLE_REQUIRE_E2E=1 to fail instead)"))
struct TestClientTests {
    @Test(arguments: [
        (["--server", "127.0.0.2:53"], "udp", 4, "127.0.0.1:"),
        (["--server", "127.0.0.2:53", "--tcp"], "tcp", 4, "127.0.0.1:"),
        (["--server", "127.0.0.2:53", "--dual-stack"], "udp", 6, "[::ffff:127.0.0.1]:"),
        (["--server", "127.0.0.2:53", "--unconnected"], "udp", 4, "0.0.0.0:"),
        (["--server", "[::1]:53", "--type", "AAAA"], "udp", 6, "[::1]:"),
        (["--server", "[::1]:53", "--type", "28", "--tcp"], "tcp", 6, "[::1]:"),
    ])
    func oneQueryIsSentAndAnswered(arguments: [String], transport: String, family: Int, localPrefix: String) throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let responder = try sandbox.startResponder(address: arguments[1].hasPrefix("[") ? "::1" : "127.0.0.2")
        let client = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: arguments)
        #expect(client.waitForExit() == 0, "\(client.stdout)\(client.stderr)")

        let sent = try #require(client.events(named: "sent").first, "\(client.stdout)")
        #expect(sent["pid"] as? Int == Int(client.pid))
        #expect(sent["transport"] as? String == transport)
        #expect(sent["family"] as? Int == family)
        let local = try #require(sent["local"] as? String)
        #expect(local.hasPrefix(localPrefix), "\(local)")
        let answer = try #require(client.events(named: "answer").first, "\(client.stdout)")
        #expect(answer["id"] as? Int == sent["id"] as? Int)
        #expect(answer["rcode"] as? Int == 0)
        #expect(answer["answers"] as? Int == 1)
        // The responder saw the query from the address the client reported.
        let served = try #require(responder.events(named: "served").first, "\(responder.stdout)")
        #expect(served["transport"] as? String == transport)
        #expect(served["id"] as? Int == sent["id"] as? Int)
        // A dual-stack socket's v4 traffic reaches the v4 responder from plain 127.0.0.1.
        let port = local.split(separator: ":").last.map(String.init)
        #expect((served["peer"] as? String)?.split(separator: ":").last.map(String.init) == port)
        if family == 4 && transport == "tcp" || arguments.count == 2 { #expect(served["peer"] as? String == local) }
    }

    @Test func countOpensANewSocketPerQueryUnlessReused() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()
        let fresh = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--count", "3"])
        let reused = try sandbox.spawnTestClient(
            cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--count", "3", "--reuse-socket", "--tcp"])
        #expect(fresh.waitForExit() == 0)
        #expect(reused.waitForExit() == 0)
        #expect(fresh.events(named: "answer").count == 3)
        #expect(reused.events(named: "answer").count == 3)
        let freshPorts = Set(fresh.events(named: "sent").compactMap { $0["local"] as? String })
        let reusedPorts = Set(reused.events(named: "sent").compactMap { $0["local"] as? String })
        #expect(freshPorts.count == 3, "\(freshPorts)")
        #expect(reusedPorts.count == 1, "\(reusedPorts)")
    }

    @Test func aForkedChildQueriesUnderItsOwnPidInTheSameCgroup() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()
        let parent = try sandbox.spawnTestClient(
            cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--fork", "--sleep-after", "0.5"])
        let sent = try parent.waitForEvent("sent")
        let child = try #require(sent["pid"] as? Int)
        #expect(child != Int(parent.pid))
        #expect(try parent.waitForEvent("forked")["child"] as? Int == child)
        // While the child sleeps after its query, it is in the parent's cgroup.
        #expect(CgroupV2.processes(inDirectory: sandbox.hostPath(ofCgroup: "app-a.scope")).sorted() == [parent.pid, pid_t(child)].sorted())
        #expect(parent.waitForExit() == 0)
        #expect(parent.events(named: "answer").first?["pid"] as? Int == child)
        #expect(parent.events(named: "child-exited").first?["status"] as? Int == 0)
    }

    @Test func exitAfterSendLeavesNoSocketBehind() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let responder = try sandbox.startResponder()
        let client = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--exit-after-send"])
        #expect(client.waitForExit() == 0)
        #expect(client.events(named: "sent").count == 1)
        #expect(client.events(named: "answer").isEmpty)
        let served = try responder.waitForEvent("served")
        #expect(served["peer"] as? String == client.events(named: "sent").first?["local"] as? String)
    }

    @Test func aPassedSocketIsUsedByTheReceiver() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let responder = try sandbox.startResponder()
        let path = "/tmp/\(sandbox.name).sock"
        let receiver = try sandbox.spawnTestClient(cgroup: "app-b.scope", arguments: ["--receive-socket", path])
        try receiver.waitForEvent("receiving")
        let sender = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--send-socket", path])
        #expect(sender.waitForExit() == 0, "\(sender.stdout)")
        #expect(receiver.waitForExit() == 0, "\(receiver.stdout)")
        let passed = try #require(sender.events(named: "passed").first, "\(sender.stdout)")
        let sent = try #require(receiver.events(named: "sent").first, "\(receiver.stdout)")
        #expect(sent["pid"] as? Int == Int(receiver.pid))
        #expect(sent["local"] as? String == passed["local"] as? String, "the receiver must send through the sender's socket")
        #expect(receiver.events(named: "answer").first?["rcode"] as? Int == 0)
        #expect(try responder.waitForEvent("served")["peer"] as? String == passed["local"] as? String)
    }

    @Test func waitFileHoldsTheFirstQuery() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()
        let gate = "/tmp/\(sandbox.name).go"
        let client = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--wait-file", gate])
        try client.waitForEvent("waiting")
        usleep(300_000)
        #expect(client.events(named: "sent").isEmpty)
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: gate) }
        #expect(client.waitForExit() == 0)
        #expect(client.events(named: "answer").count == 1)
    }

    @Test func noServerMeansATimeoutEvent() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let client = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--timeout", "0.3", "--tcp"])
        #expect(client.waitForExit() == 1)
        #expect(client.events(named: "error").first?["message"] as? String ?? "" == "connect(127.0.0.2:53): Connection refused (errno 111)")
        let udp = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", "127.0.0.2:53", "--timeout", "0.3", "--unconnected"])
        #expect(udp.waitForExit() == 2)
        #expect(udp.events(named: "timeout").count == 1)
    }

    @Test func pinholedRunsInsideInItsOwnCgroupAndForwards() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder(address: "127.0.0.2", port: 53)
        let daemon = try sandbox.startDaemon(upstreams: ["127.0.0.2:53"])
        defer { daemon.stop() }
        let pid = daemon.process.processIdentifier
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        #expect(try exe == DaemonProcess.binary().resolvingSymlinksInPath().path)
        let inside = try sandbox.run("cat", ["/proc/\(pid)/cgroup"])
        #expect(inside.stdout.split(separator: "\n").contains("0::/system.slice/pinholed.service"), "\(inside)")

        for extra in [[], ["--tcp"], ["--dual-stack"]] {
            let client = try sandbox.spawnTestClient(cgroup: "app-a.scope", arguments: ["--server", daemon.endpoint] + extra)
            #expect(client.waitForExit() == 0, "\(extra): \(client.stdout)\n\(daemon.log)")
            let answer = client.events(named: "answer").first
            #expect(answer?["rcode"] as? Int == 0, "\(extra): \(client.stdout)")
            #expect(answer?["answers"] as? Int == 1, "\(extra): \(client.stdout)")
        }
        #expect(daemon.stop() == 0, "\(daemon.log)")
    }
}
