import DNSWire
import Foundation
import Testing
import TestSupport

/// pinholed in front of a real authoritative server (knotd), queried with dig.
@Suite(.enabled(if: (Dig.find() != nil && TestEnvironment.which("knotd") != nil) || TestEnvironment.requireE2E, "dig or knotd not installed"))
struct RealUpstreamTests {
    static let zone: String = {
        var text = """
            $ORIGIN pinhole.test.
            $TTL 300
            @ SOA ns hostmaster 1 3600 600 86400 60
            @ NS ns
            ns A 127.0.0.1
            www A 192.0.2.80
            www AAAA 2001:db8::80
            alias CNAME www
            odd TYPE65280 \\# 4 01020304

            """
        for index in 0..<100 { text += "big TXT \"record-\(index)-padding-padding-padding\"\n" }
        return text
    }()

    @Test func answersFromAKnotUpstreamIncludingCNAMEsNXDOMAINUnknownTypesAndTCFallback() throws {
        let dig = try Harness.dig()
        let knot = try KnotServer(origin: "pinhole.test", zoneText: Self.zone)
        let daemon = try DaemonProcess(upstreams: [knot.endpoint])
        defer { daemon.stop(); knot.stop() }
        let server = daemon.listenAddress, port = daemon.listenPort

        let a = try dig.query("www.pinhole.test", server: server, port: port)
        #expect(a.status == "NOERROR", "\(a)")
        #expect(a.answerData == ["192.0.2.80"])

        let cname = try dig.query("alias.pinhole.test", server: server, port: port)
        #expect(cname.answerData == ["www.pinhole.test.", "192.0.2.80"], "\(cname)")

        let missing = try dig.query("missing.pinhole.test", server: server, port: port)
        #expect(missing.status == "NXDOMAIN", "\(missing)")

        let unknown = try dig.query("odd.pinhole.test", "TYPE65280", server: server, port: port)
        #expect(unknown.status == "NOERROR", "\(unknown)")
        #expect(unknown.answerData.first?.contains("01020304") == true, "\(unknown)")

        // ~4 KB of TXT: knotd truncates over UDP, pinholed retries over TCP,
        // dig gets TC=1 at 1232 and retries over TCP itself.
        let big = try dig.query("big.pinhole.test", "TXT", server: server, port: port, options: ["+bufsize=1232"])
        #expect(big.status == "NOERROR", "\(big)")
        #expect(big.answers.count == 100)

        let tcp = try dig.query("www.pinhole.test", "AAAA", server: server, port: port, options: ["+tcp"])
        #expect(tcp.answerData == ["2001:db8::80"], "\(tcp)")
    }
}
