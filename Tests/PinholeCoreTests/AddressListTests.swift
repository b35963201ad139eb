import Testing
@testable import PinholeCore

@Suite struct AddressListTests {
    @Test func readsAddressesRangesAndComments() {
        let list = AddressList(parsing: """
            # a comment
            9.9.9.9
              94.140.14.0/24   # trailing comment

            2620:fe::fe
            2a07:a8c0::/32
            """)
        #expect(list.blocks.map(\.description) == ["9.9.9.9/32", "94.140.14.0/24", "2620:fe::fe/128", "2a07:a8c0::/32"])
        #expect(list.rejected.isEmpty)
    }

    @Test func rejectsBadLinesWithTheirNumbersAndKeepsTheRest() {
        let list = AddressList(parsing: "1.1.1.1\ndns.google\n10.0.0.1/24\n1.0.0.1\n::1/129\n")
        #expect(list.blocks.map(\.description) == ["1.1.1.1/32", "1.0.0.1/32"])
        #expect(list.rejected.map(\.line) == [2, 3, 5])
        #expect(list.rejected[0].text == "dns.google")
        #expect(list.rejected[1].reason.contains("host bits are set"))
        #expect(list.rejected[2].description.hasPrefix("line 5: "))
    }

    /// An nftables interval set refuses overlapping elements: nested ranges
    /// and duplicates are dropped, disjoint ones kept, families split.
    @Test func coalescesNestedRangesAndDuplicates() {
        let list = AddressList(parsing: """
            45.90.28.7
            45.90.28.0/24
            45.90.30.0/24
            8.8.8.8
            8.8.8.8
            45.90.29.1
            2a07:a8c0::1
            2a07:a8c0::/32
            2001:4860:4860::8888
            """)
        #expect(list.coalescedV4.map(\.description) == ["45.90.28.0/24", "45.90.30.0/24", "8.8.8.8/32", "45.90.29.1/32"])
        #expect(list.coalescedV6.map(\.description) == ["2a07:a8c0::/32", "2001:4860:4860::8888/128"])
    }

    @Test func anEmptyListHasNothing() {
        let list = AddressList(parsing: "# only comments\n\n")
        #expect(list.blocks.isEmpty && list.rejected.isEmpty && list.coalescedV4.isEmpty && list.coalescedV6.isEmpty)
    }
}
