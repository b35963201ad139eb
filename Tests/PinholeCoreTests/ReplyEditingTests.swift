import DNSWire
import Testing
@testable import PinholeCore

@Suite struct ReplyEditingTests {
    @Test func copiesTheClientsSpellingOfTheSameName() throws {
        let query = try Fixtures.query("WwW.example.COM")
        var reply = try Fixtures.answer(to: Fixtures.query("www.example.com")).wire
        let before = reply
        ReplyEditing.echoQuestionCase(of: query.wire, into: &reply)
        let nameEnd = 12 + query.question.name.count
        #expect(Array(reply[12..<nameEnd]) == Array(query.wire[12..<nameEnd]))
        #expect(Array(reply[nameEnd...]) == Array(before[nameEnd...]))
        #expect(Array(reply[..<12]) == Array(before[..<12]))
    }

    @Test func leavesOtherNamesAndMalformedRepliesAlone() throws {
        let query = try Fixtures.query("www.example.com")
        for other in ["www.example.org", "ww.example.com", "www.example.com.evil"] {
            var reply = try Fixtures.answer(to: Fixtures.query(other)).wire
            let before = reply
            ReplyEditing.echoQuestionCase(of: query.wire, into: &reply)
            #expect(reply == before, "question of \(other) was rewritten")
        }
        var short: [UInt8] = Array(query.wire.prefix(14))
        ReplyEditing.echoQuestionCase(of: query.wire, into: &short)
        #expect(short == Array(query.wire.prefix(14)))
        var noQuestion = try Fixtures.answer(to: query).wire
        noQuestion[5] = 0
        let before = noQuestion
        ReplyEditing.echoQuestionCase(of: try Fixtures.query("WWW.example.com").wire, into: &noQuestion)
        #expect(noQuestion == before)
    }

    @Test func headerRcodeReadsTheLowFourBits() throws {
        let query = try Fixtures.query()
        #expect(ReplyEditing.headerRcode(try Fixtures.empty(to: query, rcode: DNSRcode.nxDomain).wire) == DNSRcode.nxDomain)
        #expect(ReplyEditing.headerRcode([0, 1]) == 0)
    }
}
