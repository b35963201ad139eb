import Foundation

/// What the kernel's `inet pinhole` table says per app cgroup: governed
/// or not, live pins, blocked connections (the `governed` set's element
/// counters), interface restrictions and ownerships, static ranges. Read
/// from nft's JSON listing, so it shows the kernel's state, not the daemon's.
public struct EnforcementStatus: Sendable, Equatable, Codable {
    /// One app cgroup found in any of the per-app sets.
    public struct App: Sendable, Equatable, Codable {
        /// The cgroup path relative to the cgroup2 root ("system.slice/vpn.service").
        public var cgroup: String
        /// In `governed`: reaches only pins and static ranges.
        public var governed = false
        /// Live IPv4 / IPv6 pins (elements of pin4 / pin6).
        public var pins4 = 0
        public var pins6 = 0
        /// Connections refused by the governed rejects (packets counted on
        /// the cgroup's `governed` element: one per refused connect or datagram).
        public var blocked = 0
        /// The only interfaces it may use (empty: any).
        public var interfaces: [String] = []
        /// Owned interfaces (`interface_owners`) it may use.
        public var owns: [String] = []
        /// Static ranges (`allow_cidrs`) it may reach.
        public var staticRanges: [String] = []

        public init(cgroup: String) { self.cgroup = cgroup }
    }

    /// Sums over all apps, and what the interface rules refused.
    public struct Totals: Sendable, Equatable, Codable {
        public var governed = 0
        public var pins4 = 0
        public var pins6 = 0
        public var blocked = 0
        /// Packets refused by `interfaces` and `interface_owners` (all apps together).
        public var interfaceRefused = 0

        public init() {}
    }

    /// Apps sorted by cgroup path.
    public var apps: [App]
    public var totals: Totals

    /// Parses `nft -j list table inet pinhole` output.
    public init(json: String) throws(NftablesError) {
        guard let top = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let objects = top["nftables"] as? [[String: Any]]
        else { throw NftablesError(command: "list table \(EnforcementTable.qualifiedName)", message: "not an nft JSON listing") }
        var apps: [String: App] = [:]
        func update(_ cgroup: String, _ change: (inout App) -> Void) {
            change(&apps[cgroup, default: App(cgroup: cgroup)])
        }
        var refused = 0
        for object in objects {
            if let set = object["set"] as? [String: Any], let name = set["name"] as? String {
                for element in Self.elements(set) {
                    let first = element.key.first ?? ""
                    let second = element.key.count > 1 ? element.key[1] : ""
                    switch name {
                    case "governed": update(first) { $0.governed = true; $0.blocked += element.packets }
                    case "pin4": update(first) { $0.pins4 += 1 }
                    case "pin6": update(first) { $0.pins6 += 1 }
                    case "ifaces": update(first) { $0.interfaces.append(second) }
                    case "owners": update(first) { $0.owns.append(second) }
                    case "static4", "static6": update(first) { $0.staticRanges.append(second) }
                    default: break
                    }
                }
            } else if let rule = object["rule"] as? [String: Any], rule["chain"] as? String == "iface_refuse" {
                for case let expression as [String: Any] in rule["expr"] as? [Any] ?? [] {
                    refused += ((expression["counter"] as? [String: Any])?["packets"] as? Int) ?? 0
                }
            }
        }
        self.apps = apps.values.map { app in
            var app = app
            app.interfaces.sort()
            app.owns.sort()
            return app
        }.sorted { $0.cgroup < $1.cgroup }
        var totals = Totals()
        totals.interfaceRefused = refused
        for app in self.apps {
            totals.governed += app.governed ? 1 : 0
            totals.pins4 += app.pins4
            totals.pins6 += app.pins6
            totals.blocked += app.blocked
        }
        self.totals = totals
    }

    /// Reads the table through `nft` (in the caller's network namespace).
    /// - Throws: `NftablesError` saying that enforcement is off or pinholed
    ///   is not running when there is no table.
    public static func read(with nft: Nftables) throws(NftablesError) -> EnforcementStatus {
        let command = "list table \(EnforcementTable.qualifiedName)"
        let json: String
        do {
            json = try nft.json(command)
        } catch {
            guard error.message.contains("No such file or directory") else { throw error }
            throw NftablesError(
                command: command,
                message: "no table \(EnforcementTable.qualifiedName): enforcement is off or pinholed is not running")
        }
        return try EnforcementStatus(json: json)
    }

    /// A set's elements: key parts as text (a range as "ADDR/LEN" or
    /// "LOW-HIGH") and the element's counter packets.
    private static func elements(_ set: [String: Any]) -> [(key: [String], packets: Int)] {
        (set["elem"] as? [Any] ?? []).map { item in
            let body = ((item as? [String: Any])?["elem"] as? [String: Any]) ?? ["val": item]
            let value = body["val"] as Any
            let parts = ((value as? [String: Any])?["concat"] as? [Any]) ?? [value]
            let packets = ((body["counter"] as? [String: Any])?["packets"] as? Int) ?? 0
            return (parts.map(text), packets)
        }
    }

    private static func text(_ part: Any) -> String {
        if let string = part as? String { return string }
        if let number = part as? Int { return String(number) }
        if let prefix = (part as? [String: Any])?["prefix"] as? [String: Any] {
            return "\(prefix["addr"].map { "\($0)" } ?? "?")/\(prefix["len"].map { "\($0)" } ?? "?")"
        }
        if let range = (part as? [String: Any])?["range"] as? [Any], range.count == 2 {
            return "\(text(range[0]))-\(text(range[1]))"
        }
        return "\(part)"
    }
}
