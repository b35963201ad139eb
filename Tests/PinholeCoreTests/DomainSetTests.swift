import Testing
@testable import PinholeCore

@Suite struct DomainSetTests {
    private static let a: UInt16 = 1
    private static let aaaa: UInt16 = 28
    private static let txt: UInt16 = 16

    private func set(_ lists: [(name: String, format: ListFormat, text: String)]) -> DomainSet {
        DomainSet(lists: lists.map { list in
            PolicyList(
                name: list.name, category: "ads",
                files: [ListParser(format: list.format).parse(Array(list.text.utf8), file: "/lists/\(list.name)")])
        })
    }

    private func names(_ set: DomainSet, _ query: String, type: UInt16 = 1) -> [String] {
        set.match(name: PolicyName(query)!, type: type).map { "\($0.rule.rawValue) \($0.matchedName)" }
    }

    @Test func exactOnlyOnTheNameItself() {
        let set = set([("l", .adblock, "|exact.example^\n")])
        #expect(names(set, "exact.example") == ["exact exact.example"])
        #expect(names(set, "www.exact.example").isEmpty)
        #expect(names(set, "example").isEmpty)
    }

    @Test func subtreeOnTheNameAndBelow() {
        let set = set([("l", .plain, "tree.example\n")])
        #expect(names(set, "tree.example") == ["subtree tree.example"])
        #expect(names(set, "a.b.tree.example") == ["subtree tree.example"])
        #expect(names(set, "TREE.example.") == ["subtree tree.example"])
        #expect(names(set, "othertree.example").isEmpty)
        #expect(names(set, "tree.example.org").isEmpty)
    }

    @Test func subdomainsOnlyBelowTheName() {
        let set = set([("l", .wildcard, "*.sub.example\n")])
        #expect(names(set, "sub.example").isEmpty)
        #expect(names(set, "x.sub.example") == ["subdomains sub.example"])
        #expect(names(set, "y.x.sub.example") == ["subdomains sub.example"])
    }

    @Test func reportsEveryLevelMostSpecificFirst() {
        let set = set([("l", .adblock, "||example^\n||b.example^\n|a.b.example^\n@@||a.b.example^\n")])
        let found = set.match(name: PolicyName("a.b.example")!, type: Self.a)
        #expect(found.map(\.matchedName) == ["a.b.example", "a.b.example", "b.example", "example"])
        #expect(found.map(\.isQueriedName) == [true, true, false, false])
        #expect(found.map(\.specificity) == [3, 3, 2, 1])
        #expect(Set(found.prefix(2).map(\.isException)) == [true, false])
    }

    @Test func sameNameInTwoListsGivesBothWithTheirSources() {
        let set = set([("first", .hosts, "# x\n0.0.0.0 both.example\n"), ("second", .plain, "\n\nboth.example\n")])
        let found = set.match(name: PolicyName("www.both.example")!, type: Self.a)
        #expect(found.count == 2)
        #expect(Set(found.map(\.source)) == [
            RuleSource(file: "/lists/first", line: 2, list: "first"),
            RuleSource(file: "/lists/second", line: 3, list: "second"),
        ])
        #expect(Set(found.map { set.lists[$0.list].name }) == ["first", "second"])
        #expect(found.allSatisfy { $0.category == "ads" })
        #expect(set.nameCount == 1)
        #expect(set.ruleCount == 2)
    }

    @Test func duplicateLinesInOneFileAreStoredOnce() {
        let set = set([("l", .plain, "dup.example\nDUP.example.\n")])
        #expect(set.ruleCount == 1)
        #expect(set.match(name: PolicyName("dup.example")!, type: Self.a).map(\.source.line) == [1])
    }

    @Test func carriesExceptionAndImportantFlags() {
        let set = set([("l", .adblock, "@@||ok.example^\n||bad.example^$important\n")])
        let ok = set.match(name: PolicyName("ok.example")!, type: Self.a)
        #expect(ok.map(\.isException) == [true])
        #expect(ok.map(\.isImportant) == [false])
        let bad = set.match(name: PolicyName("x.bad.example")!, type: Self.a)
        #expect(bad.map(\.isException) == [false])
        #expect(bad.map(\.isImportant) == [true])
    }

    @Test func dnsTypeFilterLimitsTheRule() {
        let set = set([("l", .adblock, "||v4.example^$dnstype=A\n||nottxt.example^$dnstype=~TXT\n")])
        #expect(names(set, "v4.example", type: Self.a) == ["subtree v4.example"])
        #expect(names(set, "v4.example", type: Self.aaaa).isEmpty)
        #expect(names(set, "nottxt.example", type: Self.aaaa) == ["subtree nottxt.example"])
        #expect(names(set, "nottxt.example", type: Self.txt).isEmpty)
        let found = set.match(name: PolicyName("v4.example")!, type: Self.a)
        #expect(found.first?.dnsTypes == DNSTypeFilter(included: [Self.a]))
        #expect(set.containsMatch(name: PolicyName("v4.example")!, type: Self.a))
        #expect(!set.containsMatch(name: PolicyName("v4.example")!, type: Self.aaaa))
    }

    @Test func emptySetAndRootNeverMatch() {
        let empty = DomainSet(lists: [])
        #expect(empty.match(name: PolicyName("a.example")!, type: Self.a).isEmpty)
        let set = set([("l", .plain, "example\n")])
        #expect(set.match(name: PolicyName(".")!, type: Self.a).isEmpty)
    }

    @Test func manyEntriesAllFoundAndOthersNot() {
        let text = (0..<5000).map { "0.0.0.0 host\($0).example\n" }.joined()
        let set = set([("big", .hosts, text)])
        #expect(set.nameCount == 5000)
        for index in stride(from: 0, to: 5000, by: 97) {
            #expect(names(set, "www.host\(index).example") == ["subtree host\(index).example"])
            #expect(names(set, "host\(index + 5000).example").isEmpty)
        }
    }
}
