import Testing
@testable import PinholeCore

@Suite struct SpecialNamesTests {
    @Test(arguments: [
        ("use-application-dns.net", BlockReply.nxdomain), ("mask.icloud.com", .nxdomain), ("MASK-H2.icloud.com.", .nxdomain),
        ("_dns.resolver.arpa", .nodata), ("resolver.arpa", .nodata),
    ])
    func specialNames(name: String, reply: BlockReply) throws {
        #expect(SpecialNames().answer(for: try #require(PolicyName(name)))?.reply == reply)
    }

    @Test func othersAndSwitchedOff() throws {
        #expect(SpecialNames().answer(for: try #require(PolicyName("www.use-application-dns.net"))) == nil)
        #expect(SpecialNames().answer(for: try #require(PolicyName("icloud.com"))) == nil)
        #expect(SpecialNames(canaries: false).answer(for: try #require(PolicyName("mask.icloud.com"))) == nil)
        #expect(SpecialNames(discovery: false).answer(for: try #require(PolicyName("_dns.resolver.arpa"))) == nil)
    }
}
