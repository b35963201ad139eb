import Testing
@testable import PinholeCore

@Suite struct ListHeaderTests {
    @Test func categoryAndPlainLinesFromTheLeadingComments() {
        let text = "# List: x\n# Category: tracking\n#   more text: here\n# Plain-lines: exact\n\nexample.com\n# Category: late\n"
        #expect(ListHeader.parse(Array(text.utf8)) == ListHeader(category: "tracking", plainLines: .exact))
    }

    @Test func adblockCommentsAndNothingAfterTheFirstRule() {
        #expect(ListHeader.parse(Array("! Category: ads\r\n||a.example^\n".utf8)).category == "ads")
        #expect(ListHeader.parse(Array("a.example\n# Category: ads\n".utf8)) == ListHeader())
        #expect(ListHeader.parse(Array("# Plain-lines: sideways\n".utf8)).plainLines == nil)
    }
}
