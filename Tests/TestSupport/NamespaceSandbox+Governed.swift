import Foundation

extension NamespaceSandbox {
    /// The elements of `set inet pinhole governed` as nft lists them inside
    /// the sandbox: cgroup paths below /sys/fs/cgroup ("app-a.scope", or
    /// "unified/app-a.scope" in a hybrid view), or bare ids of cgroups nft
    /// cannot name (gone ones).
    public func governedElements() throws -> [String] {
        let listing = try run("nft", ["-j", "list", "set", "inet", "pinhole", "governed"])
        guard listing.status == 0,
              let root = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]]
        else { throw TestFailure("nft -j list set governed: \(listing.stderr)") }
        // Elements carry counters: {"elem": {"val": "app-a.scope", "counter": {…}}}.
        return items.compactMap { $0["set"] as? [String: Any] }.flatMap { ($0["elem"] as? [Any]) ?? [] }.map { item in
            "\(((item as? [String: Any])?["elem"] as? [String: Any])?["val"] ?? item)"
        }
    }
}
