import Testing
@testable import QueryLog

@Suite struct DomainPatternTests {
    @Test func aPlainNameAndAStarDotNameBothCoverTheSubtree() throws {
        for text in ["example.com", "*.example.com", "Example.COM."] {
            let pattern = try DomainPattern(text)
            #expect(pattern.form == .subtree("example.com"))
            #expect(pattern.matches("example.com"))
            #expect(pattern.matches("a.b.example.com"))
            #expect(!pattern.matches("notexample.com"))
            #expect(!pattern.matches("example.com.evil"))
        }
    }

    @Test func otherWildcardsAreWholeNameGlobs() throws {
        let pattern = try DomainPattern("ads*.example.?om")
        #expect(pattern.matches("ads1.example.com"))
        #expect(!pattern.matches("x.ads1.example.com"))
        #expect(throws: (any Error).self) { try DomainPattern("") }
    }
}
