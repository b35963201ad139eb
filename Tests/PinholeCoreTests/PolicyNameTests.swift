import Testing
@testable import PinholeCore

@Suite struct PolicyNameTests {
    @Test func lowercasesAndDropsTheTrailingDot() {
        #expect(PolicyName("WWW.Example.COM.")?.text == "www.example.com")
        #expect(PolicyName("a.example")?.text == "a.example")
    }

    @Test func punycodeIsAnOrdinaryName() {
        #expect(PolicyName("XN--BCHER-KVA.example")?.text == "xn--bcher-kva.example")
    }

    @Test func utf8IsRejected() {
        #expect(PolicyName("bücher.example") == nil)
    }

    @Test func nameLengthLimitIs253() {
        let label63 = String(repeating: "a", count: 63)
        let name253 = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(name253.utf8.count == 253)
        #expect(PolicyName(name253)?.text == name253)
        #expect(PolicyName(name253 + ".") != nil)  // the trailing dot does not count
        #expect(PolicyName(name253 + "b") == nil)
    }

    @Test func labelLengthLimitIs63() {
        #expect(PolicyName(String(repeating: "a", count: 63) + ".example") != nil)
        #expect(PolicyName(String(repeating: "a", count: 64) + ".example") == nil)
    }

    @Test func emptyLabelsAreRejected() {
        #expect(PolicyName("a..example") == nil)
        #expect(PolicyName(".a.example") == nil)
        #expect(PolicyName("a.example..") == nil)
    }

    @Test func selfAndParentsLongestFirst() {
        #expect(PolicyName("a.b.c")?.selfAndParents == ["a.b.c", "b.c", "c"])
    }

    /// The list parser's byte normalizer and PolicyName accept the same names.
    @Test(arguments: [
        "a.example", "A.EXAMPLE.", "a..b", ".a", "a.", ".", "", "a b", "a/b", "xn--p1ai", "_dmarc.example",
        "-a.example", String(repeating: "a", count: 64), String(repeating: "a.", count: 126) + "a",
        String(repeating: "a.", count: 127) + "a", "bücher.de",
    ])
    func listNormalizerAgreesWithPolicyName(raw: String) {
        var bytes = Array(raw.utf8)
        let result = bytes.withUnsafeMutableBufferPointer { buffer in
            DomainNameBytes.normalize(buffer, 0..<buffer.count).map {
                String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self)
            }
        }
        // Lists never hold the root, which PolicyName reads as "".
        let expected = PolicyName(raw).flatMap { $0.text.isEmpty ? nil : $0.text }
        #expect((try? result.get()) == expected)
    }
}
