import DNSWire
import Testing
@testable import PinholeCore

@Suite struct BlockReplyTests {
    @Test func nullAnswersTheUnspecifiedAddressForAAndAAAAAndNodataOtherwise() throws {
        let a = try DNSResponse.parse(BlockReply.null.wire(for: try Fixtures.query("ads.example", type: DNSType.a), ttl: 10))
        #expect(a.rcode == DNSRcode.noError)
        #expect(a.answerRecords().map(\.address) == [[0, 0, 0, 0]])
        #expect(a.ttlFields.map(\.ttl) == [10])
        let aaaa = try DNSResponse.parse(BlockReply.null.wire(for: try Fixtures.query("ads.example", type: DNSType.aaaa), ttl: 10))
        #expect(aaaa.answerRecords().map(\.address) == [Array(repeating: 0, count: 16)])
        let txt = try DNSResponse.parse(BlockReply.null.wire(for: try Fixtures.query("ads.example", type: DNSType.txt), ttl: 10))
        #expect(txt.rcode == DNSRcode.noError && txt.answerCount == 0)
    }

    @Test(arguments: [(BlockReply.nxdomain, DNSRcode.nxDomain), (.nodata, DNSRcode.noError), (.refused, DNSRcode.refused)])
    func otherKindsAreEmptyWithTheirRcode(kind: BlockReply, rcode: UInt16) throws {
        let query = try Fixtures.query("ads.example", type: DNSType.a, id: 99)
        let reply = try DNSResponse.parse(kind.wire(for: query, ttl: 10))
        #expect(reply.rcode == rcode && kind.rcode == rcode)
        #expect(reply.answerCount == 0)
        #expect(reply.id == 99)
        #expect(reply.question == query.question)
    }
}
