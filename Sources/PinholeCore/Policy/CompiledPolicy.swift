import Synchronization

/// The policy in force: profiles, global lists, special names and the
/// settings for blocked answers. Immutable but for a cache of which profile
/// each app gets; a reload builds a new one.
public final class CompiledPolicy: PolicyEvaluator {
    public let profiles: ProfileSet
    public let lists: any ListMatcher
    public let special: SpecialNames
    /// How blocked names are answered when the profile does not say.
    public let defaultBlockReply: BlockReply
    public let blockTTL: UInt32
    /// libpsl's registrable domain (eTLD+1), injected so this stays pure.
    private let registrable: @Sendable (PolicyName) -> PolicyName?
    private let selections = Mutex<[SelectionKey: Selected]>([:])
    /// The last selection: a burst of queries from one client carries the
    /// same identity, whose strings compare equal by their storage, far
    /// cheaper than hashing them for the table.
    private let lastSelection = Mutex<(key: SelectionKey, selected: Selected)?>(nil)
    private let defaultSelected: Selected

    /// What profile selection looks at; the same program in the same unit
    /// gets the same profile whatever its pid.
    private struct SelectionKey: Hashable {
        var unit: String?
        var userUnit: String?
        var executable: String
        var cgroupPath: String
        var uid: UInt32
    }

    /// A profile with its list names as a set, computed once per app; a
    /// class, so a cache hit retains one object rather than every field.
    private final class Selected: Sendable {
        let profile: AppProfile
        let lists: Set<String>
        let network: AppNetworkRules
        init(profile: AppProfile, lists: Set<String>) {
            self.profile = profile
            self.lists = lists
            self.network = AppNetworkRules(profile: profile)
        }
    }

    public init(
        profiles: ProfileSet, lists: any ListMatcher, special: SpecialNames = SpecialNames(),
        defaultBlockReply: BlockReply = .null, blockTTL: UInt32 = 10,
        registrable: @escaping @Sendable (PolicyName) -> PolicyName? = { _ in nil }
    ) {
        self.profiles = profiles
        self.lists = lists
        self.special = special
        self.defaultBlockReply = defaultBlockReply
        self.blockTTL = blockTTL
        self.registrable = registrable
        self.defaultSelected = Self.selected(profiles.defaultProfile)
    }

    public func decide(app: AppIdentity?, name: PolicyName, type: UInt16) -> PolicyDecision {
        let selected = selection(for: app)
        var decision = decide(selected, name: name, type: type)
        decision.guardsRebinding = selected.profile.rebindingGuard
        decision.logged = selected.profile.log
        decision.network = selected.network
        return decision
    }

    private func decide(_ selected: Selected, name: PolicyName, type: UInt16) -> PolicyDecision {
        let profile = selected.profile
        if let special = special.answer(for: name) {
            return PolicyDecision(
                allowed: false, profile: profile.name, mode: profile.mode, reason: .special(special.why), reply: special.reply,
                considered: [])
        }
        let reply = profile.blockReply?.value ?? defaultBlockReply
        guard profile.mode != .off else {
            return PolicyDecider.decide(hits: [], mode: .off, profile: profile.name, reply: reply, registrable: nil)
        }
        var hits: [RuleHit] = []
        if let rule = profile.deny.firstMatch(name) { hits.append(RuleHit(kind: .profileDeny, rule: rule.text, source: rule.source)) }
        if let rule = profile.allow.firstMatch(name) { hits.append(RuleHit(kind: .profileAllow, rule: rule.text, source: rule.source)) }
        if !selected.lists.isEmpty { hits += lists.hits(for: name, type: type, lists: selected.lists) }
        var registrableText: String?
        if profile.mode == .firstParty {
            registrableText = registrable(name)?.text
            if let vendor = profile.vendorDomain(of: name, registrable: registrable) {
                hits.append(RuleHit(kind: .vendor, rule: vendor.value.text, source: vendor.source))
            }
        }
        return PolicyDecider.decide(hits: hits, mode: profile.mode, profile: profile.name, reply: reply, registrable: registrableText)
    }

    /// The profile for `app`, cached per program (bounded: cleared when full).
    private func selection(for app: AppIdentity?) -> Selected {
        guard let app else { return defaultSelected }
        let key = SelectionKey(unit: app.unit, userUnit: app.userUnit, executable: app.executable, cgroupPath: app.cgroupPath, uid: app.uid)
        if let last = lastSelection.withLock({ $0 }), last.key == key { return last.selected }
        let selected: Selected
        if let cached = selections.withLock({ $0[key] }) {
            selected = cached
        } else {
            selected = Self.selected(profiles.select(for: app))
            selections.withLock { cache in
                if cache.count >= 4096 { cache.removeAll(keepingCapacity: true) }
                cache[key] = selected
            }
        }
        lastSelection.withLock { $0 = (key, selected) }
        return selected
    }

    private static func selected(_ profile: AppProfile) -> Selected {
        Selected(profile: profile, lists: Set(profile.lists.map(\.value)))
    }
}
