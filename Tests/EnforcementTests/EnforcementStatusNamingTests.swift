import Enforcement
import Testing

/// `EnforcementStatus.namingCgroups`: the names nft lists on a hybrid host
/// (bare ids, "unified/…") renamed, apps that come to one name merged.
struct EnforcementStatusNamingTests {
    /// An nft JSON listing naming cgroups by id, as in a hybrid view.
    static let listing = """
        {"nftables": [
          {"set": {"family": "inet", "name": "governed", "table": "pinhole", "type": "cgroupsv2",
                   "elem": [{"elem": {"val": 4242, "counter": {"packets": 3, "bytes": 180}}},
                            {"elem": {"val": 77, "counter": {"packets": 0, "bytes": 0}}}]}},
          {"set": {"family": "inet", "name": "pin4", "table": "pinhole", "type": ["cgroupsv2", "ipv4_addr"],
                   "elem": [{"elem": {"val": {"concat": [4242, "192.0.2.1"]}, "timeout": 3600, "expires": 3500}},
                            {"elem": {"val": {"concat": ["app-b.scope", "192.0.2.9"]}, "timeout": 3600, "expires": 3500}}]}}
        ]}
        """

    @Test func idsAreNamedByPathAndUnknownIdsStay() throws {
        let raw = try EnforcementStatus(json: Self.listing)
        #expect(raw.apps.map(\.cgroup) == ["4242", "77", "app-b.scope"])

        let named = raw.namingCgroups { ["4242": "system.slice/shop.service", "5": "other.scope"][$0] }
        #expect(named.apps.map(\.cgroup) == ["77", "app-b.scope", "system.slice/shop.service"])
        let shop = named.apps.first { $0.cgroup == "system.slice/shop.service" }
        #expect(shop?.governed == true && shop?.blocked == 3 && shop?.pins4 == 1)
        #expect(named.totals == raw.totals)
    }

    @Test func anIdAndThePathItNamesAreOneApp() throws {
        let raw = try EnforcementStatus(json: Self.listing)
        let named = raw.namingCgroups { $0 == "4242" ? "app-b.scope" : nil }
        let app = named.apps.first { $0.cgroup == "app-b.scope" }
        #expect(app?.pins4 == 2 && app?.governed == true && app?.blocked == 3)
        #expect(named.apps.count == 2)
    }
}
