/// The domain policy of one app: which processes it is for (`match`) and
/// what they may resolve. Read from one file per app (`NAME.toml`); every
/// rule keeps the file and line it came from.
public struct AppProfile: Sendable {
    /// The file stem ("firefox" for firefox.toml); "default" for the default profile.
    public var name: String
    /// The file the profile was read from; nil for the built-in default.
    public var file: String?
    public var match: ProfileMatch
    public var mode: PolicyMode
    /// Where `mode` was set; nil when it is the default.
    public var modeSource: RuleSource?
    /// Names the app may resolve (beats lists and the mode; loses to `deny`).
    public var allow: DomainRuleSet
    /// Names the app may never resolve (beats everything).
    public var deny: DomainRuleSet
    /// Registrable domains (eTLD+1) that count as the app's own, for `first-party` mode.
    public var vendor: [Sourced<PolicyName>] {
        didSet { vendorIndex = Self.index(vendor) }
    }
    /// Names (categories) of the global lists to apply ("telemetry", "ads-trackers").
    public var lists: [Sourced<String>]
    /// Address ranges the app may reach without DNS.
    public var allowCIDRs: [Sourced<CIDRBlock>]
    /// The only network interfaces the app may use; empty: any.
    public var interfaces: [Sourced<String>]
    /// How this app's blocked names are answered; nil: the global setting.
    public var blockReply: Sourced<BlockReply>?
    /// Whether answers with private/loopback addresses for public names are blocked (default on).
    public var rebindingGuard: Bool
    /// Whether this app's queries go to the query log (profile key `log`, default on).
    public var log = true
    private var vendorIndex: [PolicyName: RuleSource]

    public init(
        name: String, file: String? = nil, match: ProfileMatch = ProfileMatch(), mode: PolicyMode = .blockListed,
        modeSource: RuleSource? = nil, allow: DomainRuleSet = DomainRuleSet(), deny: DomainRuleSet = DomainRuleSet(),
        vendor: [Sourced<PolicyName>] = [], lists: [Sourced<String>] = [], allowCIDRs: [Sourced<CIDRBlock>] = [],
        interfaces: [Sourced<String>] = [], blockReply: Sourced<BlockReply>? = nil, rebindingGuard: Bool = true
    ) {
        self.name = name
        self.file = file
        self.match = match
        self.mode = mode
        self.modeSource = modeSource
        self.allow = allow
        self.deny = deny
        self.vendor = vendor
        self.lists = lists
        self.allowCIDRs = allowCIDRs
        self.interfaces = interfaces
        self.blockReply = blockReply
        self.rebindingGuard = rebindingGuard
        self.vendorIndex = Self.index(vendor)
    }

    /// The lists the built-in default profile applies (the curated lists in Blocklists/).
    public static let shippedLists = ["telemetry", "ads-trackers", "doh-resolvers"]

    /// For apps no profile matches: `block-listed` with the shipped lists,
    /// so installing pinhole blocks telemetry, ads and DoH bypasses and nothing else.
    public static let builtinDefault = AppProfile(
        name: "default",
        lists: shippedLists.map { Sourced($0, RuleSource(file: "<built-in default profile>", line: 0)) })

    /// The `vendor` entry `name` belongs to: the one equal to its
    /// registrable domain (`registrable` is libpsl's eTLD+1, injected so
    /// this stays pure). nil when the name is not the app's own.
    public func vendorDomain(
        of name: PolicyName, registrable: (PolicyName) -> PolicyName?
    ) -> Sourced<PolicyName>? {
        guard !vendorIndex.isEmpty, let domain = registrable(name), let source = vendorIndex[domain] else { return nil }
        return Sourced(domain, source)
    }

    private static func index(_ vendor: [Sourced<PolicyName>]) -> [PolicyName: RuleSource] {
        Dictionary(vendor.map { ($0.value, $0.source) }, uniquingKeysWith: { first, _ in first })
    }
}
