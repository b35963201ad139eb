import Testing
@testable import DNSWire

@Suite struct DNSNameTests {
    @Test func plainNameWithAndWithoutTrailingDot() throws {
        let expected = RawMessage.name("www", "example", "com")
        #expect(try DNSName.wire(fromText: "www.example.com") == expected)
        #expect(try DNSName.wire(fromText: "www.example.com.") == expected)
    }

    @Test func rootForms() throws {
        #expect(try DNSName.wire(fromText: ".") == [0])
        #expect(try DNSName.wire(fromText: "") == [0])
        #expect(DNSName.text(fromWire: [0]) == ".")
        #expect(DNSName.text(fromWire: []) == ".")
    }

    @Test func lowercasingIsOptionalAndASCIIOnly() throws {
        #expect(try DNSName.wire(fromText: "WwW.ExAmple") == RawMessage.name("www", "example"))
        #expect(try DNSName.wire(fromText: "WwW.ExAmple", lowercase: false) == RawMessage.name("WwW", "ExAmple"))
        // Ä in UTF-8 (C3 84) is not ASCII: left alone.
        #expect(try DNSName.wire(fromText: "Ä") == [2, 0xC3, 0x84, 0])
    }

    @Test func escapes() throws {
        // "a\.b" is one label of three bytes; \065 is "A" (lowercased), \\ a backslash.
        #expect(try DNSName.wire(fromText: #"a\.b.c"#) == [3, 0x61, 0x2E, 0x62, 1, 0x63, 0])
        #expect(try DNSName.wire(fromText: #"\065\\"#, lowercase: false) == [2, 0x41, 0x5C, 0])
        #expect(try DNSName.wire(fromText: #"x\000y"#) == [3, 0x78, 0, 0x79, 0])
        // An escaped trailing dot is data, not the root.
        #expect(try DNSName.wire(fromText: #"a\."#) == [2, 0x61, 0x2E, 0])
    }

    @Test func textEscapesWhatIsNotPrintable() {
        let wire: [UInt8] = [5, 0x61, 0x2E, 0x5C, 0x20, 0xFF, 3, 0x63, 0x6F, 0x6D, 0]
        #expect(DNSName.text(fromWire: wire) == #"a\.\\\032\255.com."#)
    }

    @Test(arguments: [
        "www.example.com.", #"a\.b.c."#, #"\000\255.x."#, #"sp\032ace."#, #"back\\slash."#, "xn--bcher-kva.example.",
    ])
    func textRoundTrip(_ text: String) throws {
        let wire = try DNSName.wire(fromText: text, lowercase: false)
        #expect(DNSName.text(fromWire: wire) == text)
        #expect(try DNSName.wire(fromText: DNSName.text(fromWire: wire), lowercase: false) == wire)
    }

    @Test(arguments: [
        "a..b", ".a", "..", String(repeating: "x", count: 64) + ".com", #"a\"#, #"a\25"#, #"a\256"#, #"a\2x5"#,
    ])
    func rejectsBadNames(_ text: String) {
        #expect(throws: DNSNameError.self) { try DNSName.wire(fromText: text) }
    }

    @Test func labelOf63IsFine() throws {
        let label = String(repeating: "x", count: 63)
        #expect(try DNSName.wire(fromText: label).count == 65)
    }

    @Test func nameLengthLimitIs255WireBytes() throws {
        // 4 labels of 63 = 256 bytes incl. length bytes + root > 255; 3×63 + 61 = 255 exactly.
        let l63 = String(repeating: "a", count: 63)
        let ok = [l63, l63, l63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(try DNSName.wire(fromText: ok).count == 255)
        let tooLong = [l63, l63, l63, String(repeating: "b", count: 62)].joined(separator: ".")
        #expect(throws: DNSNameError.self) { try DNSName.wire(fromText: tooLong) }
    }

    @Test func textStopsSafelyOnMalformedWire() {
        #expect(DNSName.text(fromWire: [3, 0x61, 0x62]) == "ab.")
        #expect(DNSName.text(fromWire: [1, 0x61, 0xC0, 0x0C]) == "a.")
        #expect(DNSName.text(fromWire: [0x40, 0x61]) == ".")
    }
}
