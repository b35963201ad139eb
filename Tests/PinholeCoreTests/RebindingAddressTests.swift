import Testing
@testable import PinholeCore

@Suite struct RebindingAddressTests {
    @Test(arguments: [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.1.1", "0.0.0.0",
        "::1", "::", "fd00::1", "fc12::1", "fe80::1", "::ffff:192.168.0.1",
    ])
    func internalAddresses(text: String) throws {
        #expect(try #require(IPAddress(text)).isInternal)
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "172.15.255.255", "100.64.0.1", "192.169.0.1", "2001:db8::1", "2606:4700::1111", "::ffff:1.1.1.1"])
    func publicAddresses(text: String) throws {
        #expect(!(try #require(IPAddress(text)).isInternal))
    }

    @Test func fromBytes() {
        #expect(IPAddress(bytes: [192, 168, 0, 1]) == IPAddress("192.168.0.1"))
        #expect(IPAddress(bytes: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]) == IPAddress("2001:db8::1"))
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
