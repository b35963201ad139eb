import Foundation
import Testing
import TestSupport

/// The namespace sandbox the attribution e2e tests run in: processes land in
/// the cgroup asked for, see only the sandbox's network, and nothing is left
/// on the host afterwards.
@Suite(.enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (set PINHOLE_REQUIRE_E2E=1 to fail instead)"))
struct SandboxTests {
    @Test func aSpawnedProgramIsInItsCgroupInsideAndOnTheHost() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let cgroups = [
            "app-a.scope",
            "system.slice/nginx.service",
            "user.slice/user-1000.slice/user@1000.service/app.slice/app-flatpak-org.example.App-1234.scope",
        ]
        for cgroup in cgroups {
            let sleeper = try sandbox.spawn(cgroup: cgroup, executable: "sleep", arguments: ["30"])
            // The pid is the program's own, not the launcher's.
            let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(sleeper.pid)/exe")
            #expect(exe == URL(fileURLWithPath: TestEnvironment.which("sleep")!).resolvingSymlinksInPath().path)
            #expect(CgroupV2.processes(inDirectory: sandbox.hostPath(ofCgroup: cgroup)) == [sleeper.pid])
            // From the host, the path runs through the sandbox cgroup...
            let own = try #require(CgroupV2.path())
            let hostView = (own == "/" ? "" : own) + "/\(sandbox.name)/\(cgroup)"
            #expect(CgroupV2.path(ofProcess: sleeper.pid) == hostView)
            // ...and inside, the sandbox cgroup is the root.
            let inside = try sandbox.run("cat", ["/proc/\(sleeper.pid)/cgroup"])
            #expect(inside.stdout.split(separator: "\n").contains("0::/\(cgroup)"), "\(inside)")
            #expect(try sandbox.cgroupID(cgroup) != sandbox.cgroupID(""))
        }
        let own = try sandbox.run("cat", ["/proc/self/cgroup"], cgroup: "app-b.scope")
        #expect(own.stdout.split(separator: "\n").contains("0::/app-b.scope"), "\(own)")
        // cgroup2 is mounted at /sys/fs/cgroup inside, showing the sandbox's tree.
        let tree = try sandbox.run("ls", ["/sys/fs/cgroup/system.slice"])
        #expect(tree.stdout.split(separator: "\n").contains("nginx.service"), "\(tree)")
    }

    @Test func theNetworkNamespaceHasOnlyLoopbackUp() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let links = try sandbox.run("ip", ["-o", "link", "show"])
        #expect(links.status == 0, "\(links)")
        let lines = links.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(links.stdout)")
        #expect(lines.first?.contains(": lo: <LOOPBACK,UP") == true, "\(links.stdout)")

        let sleeper = try sandbox.spawn(cgroup: "app-a.scope", executable: "sleep", arguments: ["30"])
        let netns = { (pid: String) in try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net") }
        #expect(netns(String(sleeper.pid)) == netns(String(sandbox.holderPID)))
        #expect(netns(String(sleeper.pid)) != netns("self"))
    }

    @Test func changesInsideDoNotReachTheHost() throws {
        let hostLinks = try CommandRunner.run(URL(fileURLWithPath: TestEnvironment.which("ip")!), ["-o", "addr", "show"])
        let hostForward = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
        let nft = TestEnvironment.which("nft")
        let hostRuleset = try nft.map { try CommandRunner.run(URL(fileURLWithPath: $0), ["list", "ruleset"]).output }

        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        #expect(try sandbox.run("ip", ["addr", "add", "10.99.0.1/24", "dev", "lo"]).status == 0)
        let flipped = hostForward.hasPrefix("1") ? "0" : "1"
        #expect(try sandbox.run("sysctl", ["-w", "net.ipv4.ip_forward=\(flipped)"]).status == 0)
        #expect(try sandbox.run("cat", ["/proc/sys/net/ipv4/ip_forward"]).stdout.hasPrefix(flipped))
        if nft != nil {
            #expect(try sandbox.run("nft", ["add", "table", "inet", "pinhole_sandbox_probe"]).status == 0)
            #expect(try sandbox.run("nft", ["list", "tables"]).stdout.contains("pinhole_sandbox_probe"))
        }

        #expect(try CommandRunner.run(URL(fileURLWithPath: TestEnvironment.which("ip")!), ["-o", "addr", "show"]).output == hostLinks.output)
        #expect(try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8) == hostForward)
        if let nft, let hostRuleset {
            #expect(try CommandRunner.run(URL(fileURLWithPath: nft), ["list", "ruleset"]).output == hostRuleset)
        }
    }

    @Test func shutdownKillsEverythingAndRemovesTheCgroups() throws {
        let sandbox = try NamespaceSandbox()
        let sleeper = try sandbox.spawn(cgroup: "system.slice/deep/nested.service", executable: "sleep", arguments: ["60"])
        // An orphan the sandbox never saw: sh starts it in the background and exits.
        let starter = try sandbox.spawn(cgroup: "app-a.scope", executable: "sh", arguments: ["-c", "sleep 60 & echo $!"])
        #expect(starter.waitForExit() == 0)
        let orphan = try #require(pid_t(starter.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(CgroupV2.processes(inDirectory: sandbox.hostPath(ofCgroup: "app-a.scope")) == [orphan])
        #expect(FileManager.default.fileExists(atPath: sandbox.hostPath))

        sandbox.shutdown()
        #expect(!FileManager.default.fileExists(atPath: sandbox.hostPath), "the sandbox cgroup must be gone")
        #expect(!sleeper.isRunning)
        #expect(!Self.isAlive(sandbox.holderPID))
        #expect(!Self.isAlive(orphan), "a process forked inside must be killed too")
        #expect(throws: (any Error).self) { try sandbox.spawn(cgroup: "x.scope", executable: "true") }
        sandbox.shutdown()  // idempotent
    }

    @Test func aFailedLaunchSaysWhy() throws {
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        #expect(throws: (any Error).self) { try sandbox.spawn(cgroup: "a.scope", executable: "no-such-program-here") }
        let failing = try sandbox.run("sh", ["-c", "echo oops >&2; exit 3"])
        #expect(failing.status == 3)
        #expect(failing.stderr == "oops\n")
    }

    /// Whether `pid` exists and is not a zombie waiting for its reaper.
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
