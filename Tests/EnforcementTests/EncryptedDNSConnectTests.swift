import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// DoT, DoQ and DoH rejects at work, as in EnforcementConnectTests: a
/// connect that is let through waits on the silent 10.77.0.2 until
/// `timeout` kills it; a rejected one fails at once.
@Suite struct EncryptedDNSConnectTests {
    static func tcp(_ cgroup: String, _ address: String, _ port: Int) -> String {
        "echo $$ > /sys/fs/cgroup\(cgroup)/cgroup.procs && exec timeout -s KILL 0.5 bash -c 'exec 3<>/dev/tcp/\(address)/\(port)'"
    }

    static func udp(_ cgroup: String, _ address: String, _ port: Int) -> String {
        "echo $$ > /sys/fs/cgroup\(cgroup)/cgroup.procs && exec bash -c 'echo x > /dev/udp/\(address)/\(port)'"
    }

    @Test func aPinnedResolverStillCannotBeUsedForEncryptedDNS() throws {
        let ns = try NamespacedThread()
        try ns.addVeth()
        let (nft, app, other) = try ns.run { () throws -> (Nftables, String, String) in
            let nft = try Nftables()
            try EnforcementTable(rejectsEncryptedDNS: true).create(with: nft)
            try EnforcementTable.replaceDoHAddresses(AddressList(parsing: "10.77.0.2\n"), with: nft)
            return (nft, try makeCgroup("dot-a.scope"), try makeCgroup("dot-b.scope"))
        }
        defer { _ = try? ns.run { removeCgroup(app); removeCgroup(other) } }
        try ns.run {
            let pinner = try NetlinkPinner()
            try GovernedSet().govern(app)
            try pinner.pin(cgroupPath: app, addresses: [IPAddress("10.77.0.2")!, IPAddress("10.77.0.3")!], timeout: 60)
        }
        let letThrough = EnforcementConnectTests.letThrough

        // Pinned: plain HTTP goes, DoT, DoQ and (to a listed resolver) DoH are refused.
        #expect(try ns.shell(Self.tcp(app, "10.77.0.2", 80)).status == letThrough)
        #expect(try ns.shell(Self.tcp(app, "10.77.0.2", 853)).output.contains("Connection refused"))
        #expect(try ns.shell(Self.udp(app, "10.77.0.2", 853)).output.contains("Operation not permitted"))
        #expect(try ns.shell(Self.tcp(app, "10.77.0.2", 443)).output.contains("Connection refused"))
        #expect(try ns.shell(Self.udp(app, "10.77.0.2", 443)).output.contains("Operation not permitted"))
        // 443 to a pinned address that is not a listed resolver goes; 853 to it does not.
        #expect(try ns.shell(Self.tcp(app, "10.77.0.3", 443)).status == letThrough)
        #expect(try ns.shell(Self.tcp(app, "10.77.0.3", 853)).output.contains("Connection refused"))

        // An ungoverned app is not touched.
        #expect(try ns.shell(Self.tcp(other, "10.77.0.2", 853)).status == letThrough)
        #expect(try ns.shell(Self.tcp(other, "10.77.0.2", 443)).status == letThrough)

        let rules = try ns.run { try nft.run("list chain inet pinhole encrypted_dns") }
        #expect(rules.contains("tcp dport 853 socket cgroupv2 level 1 @governed counter packets 2 "), "\(rules)")
        #expect(rules.contains("udp dport 853 socket cgroupv2 level 1 @governed counter packets 1 "), "\(rules)")
        #expect(rules.contains("ip daddr @doh4 tcp dport 443 socket cgroupv2 level 1 @governed counter packets 1 "), "\(rules)")
        #expect(rules.contains("ip daddr @doh4 udp dport 443 socket cgroupv2 level 1 @governed counter packets 1 "), "\(rules)")
        // The app's own blocked counter saw exactly the five refusals, not its allowed 80 and 443.
        let governed = try ns.run { try nft.run("list set inet pinhole governed") }
        #expect(governed.contains("counter packets 5 "), "\(governed)")
    }
}
