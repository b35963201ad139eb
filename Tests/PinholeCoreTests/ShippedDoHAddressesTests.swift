import Foundation
import Testing
@testable import PinholeCore

/// Blocklists/doh-addresses.cidr, the DoH/DoT resolvers' addresses pinholed
/// rejects 443 to for governed apps: headed like the domain lists, every
/// line an address range, no duplicates, a source comment over every group,
/// and the big operators in it.
@Suite struct ShippedDoHAddressesTests {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Blocklists/doh-addresses.cidr")

    static func text() throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test func hasTheHeaderOfTheShippedLists() throws {
        let header = try Self.text().split(separator: "\n").prefix { $0.hasPrefix("#") }
        for field in ShippedBlocklistsTests.requiredFields {
            #expect(header.contains { $0.hasPrefix("# \(field):") }, "doh-addresses.cidr lacks \"# \(field):\"")
        }
        #expect(header.first == "# List: doh-addresses")
    }

    @Test func everyLineIsAnAddressRangeAndNoneRepeats() throws {
        let list = AddressList(parsing: try Self.text())
        #expect(list.rejected.isEmpty, "\(list.rejected)")
        #expect(list.blocks.count > 60)
        #expect(Set(list.blocks).count == list.blocks.count, "duplicates")
        // Nothing nested either: each range stands for itself.
        #expect(list.coalescedV4.count + list.coalescedV6.count == list.blocks.count)
    }

    @Test func everyGroupHasACommentAboveIt() throws {
        let lines = try Self.text().split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            let previous = index > 0 ? lines[index - 1] : ""
            #expect(!previous.isEmpty, "line \(index + 1) (\(line)) starts a group without a comment")
        }
    }

    @Test(arguments: [
        "8.8.8.8", "8.8.4.4", "2001:4860:4860::8888", "1.1.1.1", "1.0.0.1", "2606:4700:4700::1111", "9.9.9.9",
        "149.112.112.112", "2620:fe::fe", "94.140.14.14", "45.90.28.0", "208.67.222.222", "185.228.168.9", "194.242.2.2",
    ])
    func coversTheBigResolvers(address: String) throws {
        let list = AddressList(parsing: try Self.text())
        let ip = try #require(IPAddress(address))
        #expect(list.blocks.contains { $0.contains(ip) }, "\(address) is not in doh-addresses.cidr")
    }

    @Test func theOperatorsSitesAreNotInIt() throws {
        let list = AddressList(parsing: try Self.text())
        // 104.16.132.229 is cloudflare.com; 127.0.0.1 and private ranges must never be listed.
        for address in ["104.16.132.229", "127.0.0.1", "10.0.0.1", "192.168.1.1", "::1"] {
            let ip = try #require(IPAddress(address))
            #expect(!list.blocks.contains { $0.contains(ip) }, "\(address) must not be in doh-addresses.cidr")
        }
    }
}
