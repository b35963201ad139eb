import DNSWire
import Testing
@testable import PinholeCore

@Suite struct PolicyNameWireTests {
    @Test(arguments: ["www.Example.COM", "a", "xn--bcher-kva.example", "_dmarc.example.org", String(repeating: "a", count: 63) + ".example"])
    func wireAndTextAgree(text: String) throws {
        let wire = try DNSName.wire(fromText: text, lowercase: false)
        #expect(PolicyName(wire: wire) == PolicyName(text))
        #expect(PolicyName(wire: wire) != nil)
    }

    @Test func rootOddBytesAndTruncatedWireAreNil() throws {
        #expect(PolicyName(wire: [0]) == nil)
        #expect(PolicyName(wire: [3, 0x61, 0x2A, 0x62, 0]) == nil)  // "a*b"
        #expect(PolicyName(wire: [5, 0x61, 0x62]) == nil)
        #expect(PolicyName(wire: try DNSName.wire(fromText: "a\\.b.example", lowercase: false)) == nil)
    }
}
