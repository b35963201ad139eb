import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// pinholed's own packets, marked with SO_MARK, at work: not rejected even
/// from a governed cgroup, and not redirected by `nat_out`. As in
/// EnforcementConnectTests, 10.77.0.2 (behind a veth) never answers: a
/// connect let through times out, a rejected one is refused at once.
@Suite struct OwnMarkConnectTests {
    static let mark: UInt32 = 0x7068_6f6c

    /// A process in `cgroup` connects (TCP) or sends (UDP) to address:port,
    /// its socket marked with `mark` unless nil; prints what happened.
    static func python(_ cgroup: String, udp: Bool = false, port: Int, mark: UInt32?) -> String {
        let markLine = mark.map { "s.setsockopt(socket.SOL_SOCKET, 36, \($0))\n" } ?? ""  // 36: SO_MARK
        let action = udp ? "s.sendto(b'x', ('10.77.0.2', \(port)))\nprint('sent')" : "s.connect(('10.77.0.2', \(port)))"
        let script = """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if \(udp ? "True" : "False") else socket.SOCK_STREAM)
            s.settimeout(0.5)
            \(markLine)try:
                \(action.replacingOccurrences(of: "\n", with: "\n    "))
            except Exception as e:
                print(type(e).__name__)
            """
        return "echo $$ > /sys/fs/cgroup\(cgroup)/cgroup.procs && exec python3 - <<'PY'\n\(script)\nPY\n"
    }

    @Test func markedPacketsPassAndAreNotRedirected() throws {
        let ns = try NamespacedThread()
        try ns.addVeth()
        let table = EnforcementTable(
            ownMark: Self.mark,
            capture: DNSCapture(listeners: [DNSCapture.Endpoint(address: IPAddress("127.0.0.1")!, port: 53)]))
        let (nft, app) = try ns.run { () throws -> (Nftables, String) in
            let nft = try Nftables()
            try table.create(with: nft)
            let app = try makeCgroup("mark-a.scope")
            try GovernedSet().govern(app)
            return (nft, app)
        }
        defer { _ = try? ns.run { removeCgroup(app) } }
        func run(_ script: String) throws -> String {
            try ns.shell(script).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func redirected() throws -> String {
            let chain = try ns.run { try nft.run("list chain inet pinhole nat_out") }
            return chain.split(separator: "\n").first { $0.contains("dnat ip to") }.map(String.init) ?? chain
        }

        // Governed: unmarked is refused, marked goes out (and times out: nobody answers).
        #expect(try run(Self.python(app, port: 80, mark: nil)) == "ConnectionRefusedError")
        #expect(try run(Self.python(app, port: 80, mark: Self.mark)) == "TimeoutError")
        #expect(try run(Self.python(app, port: 80, mark: 0x1234)) == "ConnectionRefusedError")

        // Port 53: a marked datagram is not redirected, an unmarked one is.
        #expect(try run(Self.python(app, udp: true, port: 53, mark: Self.mark)) == "sent")
        let afterMarked = try redirected()
        #expect(afterMarked.contains("counter packets 0 "), "\(afterMarked)")
        #expect(try run(Self.python(app, udp: true, port: 53, mark: nil)) == "sent")
        let afterUnmarked = try redirected()
        #expect(afterUnmarked.contains("counter packets 1 "), "\(afterUnmarked)")
    }
}
