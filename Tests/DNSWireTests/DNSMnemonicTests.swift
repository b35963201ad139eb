import Testing
@testable import DNSWire

@Suite struct DNSMnemonicTests {
    @Test(arguments: [(UInt16(1), "A"), (28, "AAAA"), (65, "HTTPS"), (65534, "TYPE65534")])
    func typeNames(value: UInt16, name: String) {
        #expect(DNSMnemonic.type(value) == name)
    }

    @Test(arguments: [(UInt16(0), "NOERROR"), (3, "NXDOMAIN"), (2, "SERVFAIL"), (23, "RCODE23")])
    func rcodeNames(value: UInt16, name: String) {
        #expect(DNSMnemonic.rcode(value) == name)
    }
}
