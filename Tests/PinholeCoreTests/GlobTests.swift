import Testing
@testable import PinholeCore

@Suite struct GlobTests {
    private func glob(_ pattern: String) throws -> Glob { try Glob(pattern) }

    @Test func literalMatchesOnlyItself() throws {
        let g = try glob("nginx.service")
        #expect(g.isLiteral && g.literalCount == 13)
        #expect(g.matches("nginx.service"))
        #expect(!g.matches("nginx.service2") && !g.matches("xnginx.service") && !g.matches("Nginx.service"))
    }

    @Test func starMatchesAnyRunIncludingSlash() throws {
        let g = try glob("app-flatpak-org.mozilla.firefox-*.scope")
        #expect(!g.isLiteral)
        #expect(g.matches("app-flatpak-org.mozilla.firefox-12345.scope"))
        #expect(g.matches("app-flatpak-org.mozilla.firefox-.scope"))
        #expect(!g.matches("app-flatpak-org.mozilla.thunderbird-1.scope"))
        let path = try glob("/usr/lib/firefox/*")
        #expect(path.matches("/usr/lib/firefox/firefox"))
        #expect(path.matches("/usr/lib/firefox/bin/deep/firefox"))  // documented: * crosses '/'
        #expect(!path.matches("/usr/lib/firefox"))
        #expect(try glob("*").matches("") && glob("a*b*c").matches("axxbyyc") && !glob("a*b*c").matches("axxbyy"))
    }

    @Test func questionMarkIsOneByte() throws {
        let g = try glob("firefox?.scope")
        #expect(g.matches("firefox1.scope"))
        #expect(!g.matches("firefox.scope") && !g.matches("firefox12.scope"))
    }

    @Test func backslashEscapes() throws {
        let g = try glob("a\\*b")
        #expect(g.isLiteral && g.matches("a*b") && !g.matches("axb"))
    }

    @Test func badPatternsAreRejected() {
        #expect(throws: PolicySyntaxError.self) { try Glob("") }
        #expect(throws: PolicySyntaxError.self) { try Glob("fire[fF]ox") }
        #expect(throws: PolicySyntaxError.self) { try Glob("trailing\\") }
    }

    @Test func overlapFindsACommonString() throws {
        #expect(try glob("firefox*.scope").overlaps(glob("*-1.scope")))  // firefox-1.scope
        #expect(try glob("a*").overlaps(glob("*b")))
        #expect(try glob("a?c").overlaps(glob("*c")))
        #expect(try !glob("a*").overlaps(glob("b*")))
        #expect(try !glob("*.service").overlaps(glob("*.scope")))
        #expect(try !glob("nginx.service").overlaps(glob("apache.service")))
        #expect(try !glob("a?").overlaps(glob("abc")))
    }
}
