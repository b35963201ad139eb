import Foundation
import PinholeDaemon
import Testing
@testable import SystemResolver

/// doctor's upstream check on pinholed's status (decoded from the control
/// socket's JSON, as doctor gets it): an upstream with only failures and
/// timeouts fails with the fix, a working one passes.
@Suite struct DoctorUpstreamTests {
    let doctor = DoctorChecks(files: SystemFiles(root: "/nonexistent"), paths: SystemPaths(), config: .defaults,
        controlSocket: "/nonexistent/control.sock", manifest: nil)

    func status(_ upstreams: String, from origin: String = "/etc/pinhole/upstream-resolv.conf") throws -> ControlStatus {
        let log = String(decoding: try JSONEncoder().encode(ControlStatus.Log(enabled: false, path: "", counters: .init())), as: UTF8.self)
        let json = """
            {"version":"0.1","pid":7,"uptime_seconds":60,"queries":40,"log":\(log),"followers":0,"follow_dropped":0,
             "upstreams":\(upstreams),"upstreams_from":"\(origin)"}
            """
        return try JSONDecoder().decode(ControlStatus.self, from: Data(json.utf8))
    }

    @Test func anUpstreamThatNeverAnsweredFailsWithTheFix() throws {
        let findings = doctor.upstreams(try status("""
            [{"address":"192.0.2.1:53","answered":0,"failed":0,"timeouts":12,"last_error":"no reply in time over udp"},
             {"address":"[2001:db8::1]:5353","answered":30,"failed":1,"timeouts":0,"rtt_ms":11.6}]
            """))
        #expect(findings.count == 2)
        let dead = findings[0]
        #expect(dead.check == "upstream 192.0.2.1:53" && dead.status == .failed, "\(dead)")
        #expect(dead.detail.contains("never answered") && dead.detail.contains("12 timed out") && dead.detail.contains("no reply in time"), "\(dead)")
        #expect(dead.fix?.contains("dig @192.0.2.1 . NS") == true && dead.fix?.contains("/etc/pinhole/upstream-resolv.conf") == true, "\(dead)")
        #expect(findings[1].status == .ok && findings[1].detail.contains("30 answered") && findings[1].detail.contains("12 ms"), "\(findings[1])")
        #expect(DoctorChecks.digCommand("[2001:db8::1]:5353") == "dig @2001:db8::1 -p 5353 . NS")
    }

    @Test func failuresOnlyFailToo_MostlyFailingWarns_UnaskedPasses() throws {
        let findings = doctor.upstreams(try status("""
            [{"address":"192.0.2.2:53","answered":0,"failed":3,"timeouts":0,"last_error":"connection refused"},
             {"address":"192.0.2.3:53","answered":2,"failed":1,"timeouts":4},
             {"address":"192.0.2.4:53","answered":0,"failed":0,"timeouts":0}]
            """, from: "upstream.servers"))
        #expect(findings.map(\.status) == [.failed, .warning, .ok], "\(findings)")
        #expect(findings[0].fix?.contains("upstream.servers in /etc/pinhole/pinhole.toml") == true, "\(findings[0])")
    }

    @Test func noUpstreamsFails_NoDaemonSkips() throws {
        let none = doctor.upstreams(try status("[]"))
        #expect(none.count == 1 && none[0].status == .failed && none[0].fix?.contains("upstream.servers") == true, "\(none)")
        #expect(doctor.upstreams(nil).map(\.status) == [.skipped])
    }
}
