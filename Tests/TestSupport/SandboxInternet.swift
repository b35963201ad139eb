import Foundation
import Glibc

/// "The internet" of an enforcement test: a second network namespace
/// behind a veth pair, holding `addresses` (IPv4 in 192.0.2.0/24, IPv6 in
/// 2001:db8::/64) and one TCP listener on `port` on all of them. The
/// sandbox side of the veth (veth0) holds 192.0.2.254 and 2001:db8::fe.
/// Everything it starts is a sandbox process, stopped by the sandbox's shutdown.
public struct SandboxInternet: Sendable {
    /// The pid holding the internet namespace (`nsenter --target pid --net`).
    public let pid: pid_t
    /// The TCP port the listener serves on every address.
    public let port: UInt16

    /// TCP listener on `port` on every address of its namespace, v4 and v6.
    static let listener = """
        import socket, sys
        s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", int(sys.argv[1]))); s.listen(64); print('{"event": "listening"}', flush=True)
        while True:
            c, _ = s.accept(); c.close()
        """

    /// A TCP connect to argv[1]:argv[2]; prints and exits with the outcome
    /// (see `ConnectOutcome`).
    static let connect = """
        import socket, sys
        try:
            socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close(); print("connected")
        except ConnectionRefusedError: print("refused"); sys.exit(1)
        except OSError as e: print("error", e); sys.exit(2)
        """

    /// Builds the namespace, the veth pair and the listener.
    public init(
        in sandbox: NamespaceSandbox,
        addresses: [String] = ["192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"],
        port: UInt16 = 8080
    ) throws {
        let holder = try sandbox.spawn(cgroup: "internet.scope", executable: "unshare", arguments: ["-n", "sleep", "3600"])
        let pid = String(holder.pid)
        for _ in 0..<300 where (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) != "sleep\n" { usleep(10_000) }
        var commands: [(String, [String])] = [
            ("ip", ["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]),
            ("ip", ["link", "set", "veth1", "netns", pid]),
            ("ip", ["addr", "add", "192.0.2.254/24", "dev", "veth0"]),
            ("ip", ["addr", "add", "2001:db8::fe/64", "dev", "veth0", "nodad"]),
            ("ip", ["link", "set", "veth0", "up"]),
        ]
        for address in addresses {
            let prefix = address.contains(":") ? ["\(address)/64", "dev", "veth1", "nodad"] : ["\(address)/24", "dev", "veth1"]
            commands.append(("nsenter", ["--target", pid, "--net", "ip", "addr", "add"] + prefix))
        }
        commands.append(("nsenter", ["--target", pid, "--net", "ip", "link", "set", "veth1", "up"]))
        commands.append(("nsenter", ["--target", pid, "--net", "ip", "link", "set", "lo", "up"]))
        for (tool, arguments) in commands {
            let result = try sandbox.run(tool, arguments)
            guard result.status == 0 else {
                throw TestFailure("\(tool) \(arguments.joined(separator: " ")): \(result.stderr)")
            }
        }
        let server = try sandbox.spawn(
            cgroup: "internet.scope", executable: "nsenter",
            arguments: ["--target", pid, "--net", "python3", "-c", Self.listener, String(port)])
        _ = try server.waitForEvent("listening")
        self.pid = holder.pid
        self.port = port
    }

    /// What a TCP connect from inside the sandbox came to.
    public enum ConnectOutcome: String, Sendable {
        case connected, refused
        /// A timeout or another error (the text is in the test's failure message).
        case error
    }

    /// Opens (and closes) a TCP connection from a new process in `cgroup`
    /// to `address`:`port` (the listener's by default).
    public func connect(
        from sandbox: NamespaceSandbox, cgroup: String, to address: String, port: UInt16? = nil
    ) throws -> ConnectOutcome {
        let process = try sandbox.spawn(
            cgroup: cgroup, executable: "python3", arguments: ["-c", Self.connect, address, String(port ?? self.port)])
        _ = process.waitForExit()
        let word = process.stdout.split(separator: " ").first.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        return word.flatMap(ConnectOutcome.init(rawValue:)) ?? .error
    }

    /// Runs `executable` inside the internet namespace (e.g. a DNS server
    /// on 192.0.2.53) as a sandbox process in `internet.scope`.
    public func spawn(in sandbox: NamespaceSandbox, _ executable: String, _ arguments: [String]) throws -> SandboxProcess {
        guard let resolved = TestEnvironment.which(executable) else { throw TestFailure("\(executable): not found on PATH") }
        return try sandbox.spawn(
            cgroup: "internet.scope", executable: "nsenter", arguments: ["--target", String(pid), "--net", resolved] + arguments)
    }
}
