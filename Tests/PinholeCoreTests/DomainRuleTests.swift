import Testing
@testable import PinholeCore

@Suite struct DomainRuleTests {
    private let source = RuleSource(file: "/etc/pinhole/apps.d/t.toml", line: 3)

    private func rule(_ text: String) throws -> DomainRule { try DomainRule(parsing: text, source: source) }
    private func name(_ text: String) -> PolicyName { PolicyName(text)! }

    @Test func subtreeCoversNameAndBelow() throws {
        let r = try rule("Example.COM.")
        guard case .name(let n, .subtree) = r.pattern else { Issue.record("not a subtree rule: \(r.pattern)"); return }
        #expect(n.text == "example.com")
        #expect(r.matches(name("example.com")) && r.matches(name("a.b.example.com")))
        #expect(!r.matches(name("notexample.com")) && !r.matches(name("com")))
        #expect(r.source == source)
    }

    @Test func exactCoversTheNameAlone() throws {
        let r = try rule("=example.com")
        #expect(r.matches(name("example.com")))
        #expect(!r.matches(name("www.example.com")))
    }

    @Test func wildcardCoversSubdomainsOnly() throws {
        let r = try rule("*.example.com")
        #expect(r.matches(name("www.example.com")) && r.matches(name("a.b.example.com")))
        #expect(!r.matches(name("example.com")) && !r.matches(name("wwwexample.com")))
    }

    @Test func regexSearchesTheName() throws {
        let r = try rule("/^ad[0-9]+\\./")
        guard case .regex = r.pattern else { Issue.record("not a regex rule"); return }
        #expect(r.matches(name("ad12.example.com")))
        #expect(!r.matches(name("bad12.example.com")) && !r.matches(name("ad.example.com")))
    }

    @Test(arguments: [
        "", "=", "*.", ".example.com", "ex*ample.com", "a..b", "bücher.de", "//", "/[unclosed/", "exa mple.com",
        String(repeating: "a", count: 64) + ".com",
    ])
    func badRulesAreRejected(_ text: String) {
        #expect(throws: PolicySyntaxError.self) { try DomainRule(parsing: text, source: source) }
    }

    @Test func punycodeIsAccepted() throws {
        #expect(try rule("xn--bcher-kva.de").matches(name("www.xn--bcher-kva.de")))
    }

    @Test func ruleSetPrefersTheLongestNameThenRegex() throws {
        let rules = try DomainRuleSet([
            rule("example.com"), rule("=www.example.com"), rule("*.cdn.example.com"), rule("/tracker/"),
        ].enumerated().map { index, r in try DomainRule(parsing: r.text, source: RuleSource(file: "f", line: index + 1)) })
        #expect(rules.firstMatch(name("www.example.com"))?.source.line == 2)
        #expect(rules.firstMatch(name("a.www.example.com"))?.source.line == 1)  // exact rule does not reach below
        #expect(rules.firstMatch(name("x.cdn.example.com"))?.source.line == 3)
        #expect(rules.firstMatch(name("cdn.example.com"))?.source.line == 1)  // *. does not cover the name itself
        #expect(rules.firstMatch(name("tracker.other.org"))?.source.line == 4)
        #expect(rules.firstMatch(name("other.org")) == nil)
        #expect(DomainRuleSet().firstMatch(name("example.com")) == nil)
    }
}
