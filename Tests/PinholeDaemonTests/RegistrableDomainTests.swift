import PinholeCore
import Testing
@testable import PinholeDaemon

@Suite struct RegistrableDomainTests {
    private static let psl = RegistrableDomain()

    private func registrable(_ text: String) throws -> String? {
        let psl = try #require(Self.psl, "libpsl has no list")
        return psl.registrable(try #require(PolicyName(text)))?.text
    }

    @Test func multiLabelSuffixes() throws {
        #expect(try registrable("www.bbc.co.uk") == "bbc.co.uk")
        #expect(try registrable("bbc.co.uk") == "bbc.co.uk")
        #expect(try registrable("a.b.example.com") == "example.com")
        #expect(try registrable("WWW.Example.COM.") == "example.com")  // normalized by PolicyName first
    }

    @Test func privateSuffixesCount() throws {
        #expect(try registrable("alice.github.io") == "alice.github.io")
        #expect(try registrable("x.alice.github.io") == "alice.github.io")
        #expect(try registrable("github.io") == nil)
    }

    @Test func punycodeNames() throws {
        // 公司.cn (xn--55qx5d.cn) is a public suffix, so 食狮.公司.cn is registrable.
        #expect(try registrable("www.xn--85x722f.xn--55qx5d.cn") == "xn--85x722f.xn--55qx5d.cn")
        #expect(try registrable("xn--55qx5d.cn") == nil)
        #expect(try registrable("www.xn--bcher-kva.de") == "xn--bcher-kva.de")
    }

    @Test func suffixesAndBareTLDsHaveNone() throws {
        #expect(try registrable("com") == nil)
        #expect(try registrable("co.uk") == nil)
        #expect(try registrable("localhost") == nil)
        #expect(Self.psl?.registrable(PolicyName("")!) == nil)
    }

    @Test func usesTheSystemListWhenPresent() throws {
        let psl = try #require(Self.psl)
        #expect(!psl.dataSource.isEmpty)
        // The closure form PinholeCore takes gives the same answers.
        #expect(psl.function(PolicyName("www.bbc.co.uk")!)?.text == "bbc.co.uk")
    }
}
