import DNSWire
import Foundation
import PinholeDaemon
import SystemResolver
import Testing
import TestSupport

/// doctor's upstream check against a real pinholed's status: a silent
/// upstream (every attempt timed out) fails with the fix, the one that
/// answered after failover passes.
@Suite struct DoctorUpstreamE2ETests {
    @Test func aSilentUpstreamFailsAndTheAnsweringOnePasses() throws {
        let silent = try FakeUpstream { _ in .drop }
        let good = try Harness.answeringUpstream(address: "192.0.2.77")
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(silent), Harness.upstreamFlag(good)])
        defer { daemon.stop(); silent.stop(); good.stop() }

        let query = try DNSMessageBuilder.query(id: 7, name: "doctor-upstream.example.com", type: DNSType.a)
        let reply = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 5))
        #expect(reply.rcode == DNSRcode.noError && silent.udpQueryCount == 1 && good.udpQueryCount == 1)

        let status = try ControlSocketClient(socketPath: daemon.controlSocketPath).status()
        let doctor = DoctorChecks(files: SystemFiles(root: "/nonexistent"), paths: SystemPaths(), config: .defaults,
            controlSocket: daemon.controlSocketPath, manifest: nil)
        let findings = doctor.upstreams(status)
        #expect(findings.count == 2, "\(findings)")
        let dead = try #require(findings.first { $0.check == "upstream \(Harness.upstreamFlag(silent))" }, "\(findings)")
        #expect(dead.status == .failed && dead.detail.contains("never answered") && dead.detail.contains("1 timed out"), "\(dead)")
        #expect(dead.fix?.contains("dig @\(silent.address) -p \(silent.port)") == true && dead.fix?.contains("upstream.servers") == true, "\(dead)")
        let alive = try #require(findings.first { $0.check == "upstream \(Harness.upstreamFlag(good))" }, "\(findings)")
        #expect(alive.status == .ok && alive.detail.hasPrefix("1 answered"), "\(alive)")
    }
}
