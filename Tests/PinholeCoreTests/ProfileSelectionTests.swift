import Testing
@testable import PinholeCore

@Suite struct ProfileSelectionTests {
    private static func identity(
        exe: String = "/usr/bin/dig", uid: UInt32 = 1000, user: String? = "alice", cgroup: String = "/app-a.scope",
        unit: String? = nil, userUnit: String? = nil
    ) -> AppIdentity {
        AppIdentity(
            key: "k", pid: 1, startTime: 1, executable: exe, executableState: .present, commandLine: [],
            ancestors: [], uid: uid, userName: user, cgroupPath: cgroup, unit: unit, userUnit: userUnit, slice: nil,
            flatpakID: nil, snapName: nil)
    }

    private static func globs(_ patterns: [String]) -> [Sourced<Glob>] {
        patterns.enumerated().map { Sourced(try! Glob($1), RuleSource(file: "f", line: $0 + 1)) }
    }

    private static func profile(
        _ name: String, unit: [String] = [], exe: [String] = [], cgroup: [String] = [], users: [UserMatch] = []
    ) -> AppProfile {
        AppProfile(
            name: name, file: "/apps.d/\(name).toml",
            match: ProfileMatch(
                units: globs(unit), executables: globs(exe), cgroups: globs(cgroup),
                users: users.map { Sourced($0, RuleSource(file: "f", line: 9)) }))
    }

    // MARK: each criterion

    @Test func unitGlobMatchesSystemOrUserUnit() {
        let set = ProfileSet(profiles: [Self.profile("firefox", unit: ["app-flatpak-org.mozilla.firefox-*.scope"])])
        #expect(set.select(for: Self.identity(unit: "app-flatpak-org.mozilla.firefox-77.scope")).name == "firefox")
        #expect(
            set.select(for: Self.identity(unit: "user@1000.service", userUnit: "app-flatpak-org.mozilla.firefox-9.scope"))
                .name == "firefox")
        #expect(set.select(for: Self.identity(unit: "app-gnome-terminal-1.scope")).name == "default")
        #expect(set.select(for: Self.identity()).name == "default")  // no unit at all
    }

    @Test func executableExactAndGlob() {
        let set = ProfileSet(profiles: [
            Self.profile("curl", exe: ["/usr/bin/curl"]), Self.profile("ff", exe: ["/usr/lib/firefox/*"]),
        ])
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl")).name == "curl")
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl2")).name == "default")
        #expect(set.select(for: Self.identity(exe: "/usr/lib/firefox/firefox-bin")).name == "ff")
    }

    @Test func cgroupGlob() {
        let set = ProfileSet(profiles: [Self.profile("svc", cgroup: ["/system.slice/*"])])
        #expect(set.select(for: Self.identity(cgroup: "/system.slice/nginx.service")).name == "svc")
        #expect(set.select(for: Self.identity(cgroup: "/user.slice/user-1000.slice")).name == "default")
    }

    @Test func uidOrUserName() {
        let set = ProfileSet(profiles: [
            Self.profile("root", users: [.uid(0)]), Self.profile("bob", users: [.name("bob")]),
        ])
        #expect(set.select(for: Self.identity(uid: 0, user: "root")).name == "root")
        #expect(set.select(for: Self.identity(uid: 1001, user: "bob")).name == "bob")
        #expect(set.select(for: Self.identity(uid: 1002, user: nil)).name == "default")
    }

    @Test func allCriteriaMustHold() {
        let set = ProfileSet(profiles: [Self.profile("both", exe: ["/usr/bin/curl"], users: [.uid(0)])])
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl", uid: 0)).name == "both")
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl", uid: 1000)).name == "default")
        #expect(set.select(for: Self.identity(exe: "/usr/bin/wget", uid: 0)).name == "default")
    }

    @Test func anyAlternativeOfACriterion() {
        let set = ProfileSet(profiles: [Self.profile("ff", unit: ["firefox*.scope", "app-flatpak-org.mozilla.firefox-*.scope"])])
        #expect(set.select(for: Self.identity(unit: "firefox-3.scope")).name == "ff")
        #expect(set.select(for: Self.identity(unit: "app-flatpak-org.mozilla.firefox-3.scope")).name == "ff")
    }

    @Test func noIdentityGetsTheDefault() {
        let set = ProfileSet(profiles: [Self.profile("all", exe: ["*"])])
        let selection = set.selection(for: nil)
        #expect(selection.profile.name == "default" && selection.specificity == nil)
        #expect(selection.profile.mode == .blockListed)
        #expect(selection.profile.lists.map(\.value) == AppProfile.shippedLists)
    }

    @Test func configuredDefaultReplacesBuiltIn() {
        let custom = AppProfile(name: "default", mode: .learn)
        let set = ProfileSet(profiles: [], defaultProfile: custom)
        #expect(set.select(for: Self.identity()).mode == .learn)
    }

    // MARK: order

    @Test func moreCriteriaBeatFewer() {
        let set = ProfileSet(profiles: [
            Self.profile("exact-exe", exe: ["/usr/bin/curl"]),
            Self.profile("exe-and-user", exe: ["/usr/bin/*"], users: [.uid(0)]),
        ])
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl", uid: 0)).name == "exe-and-user")
        #expect(set.select(for: Self.identity(exe: "/usr/bin/curl", uid: 5)).name == "exact-exe")
    }

    @Test func exactBeatsGlobAndLongerLiteralBeatsShorter() {
        let set = ProfileSet(profiles: [
            Self.profile("any-scope", unit: ["*.scope"]),
            Self.profile("firefox-scope", unit: ["firefox*.scope"]),
            Self.profile("one-scope", unit: ["firefox-1.scope"]),
        ])
        #expect(set.select(for: Self.identity(unit: "firefox-1.scope")).name == "one-scope")
        #expect(set.select(for: Self.identity(unit: "firefox-2.scope")).name == "firefox-scope")
        #expect(set.select(for: Self.identity(unit: "vim-2.scope")).name == "any-scope")
        #expect(set.ambiguities.isEmpty)
    }

    @Test func anAppCriterionBeatsAUserCriterion() {
        let set = ProfileSet(profiles: [
            Self.profile("alice", users: [.name("alice")]), Self.profile("ff", unit: ["firefox*.scope"]),
        ])
        #expect(set.select(for: Self.identity(user: "alice", unit: "firefox-1.scope")).name == "ff")
        #expect(set.select(for: Self.identity(user: "alice", unit: "vim.scope")).name == "alice")
    }

    @Test func strongestMatchedAlternativeCounts() {
        // "wide" lists an exact unit and a short glob; for firefox.scope its exact alternative counts.
        let set = ProfileSet(profiles: [
            Self.profile("wide", unit: ["firefox.scope", "*.scope"]), Self.profile("ff", unit: ["firefox*.scope"]),
        ])
        #expect(set.select(for: Self.identity(unit: "firefox.scope")).name == "wide")
        #expect(set.select(for: Self.identity(unit: "firefox-2.scope")).name == "ff")
    }

    @Test func kindOrderBreaksEqualStrength() {
        // Both exact with 7 literal characters: the kind decides, unit before cgroup.
        let set = ProfileSet(profiles: [
            Self.profile("by-cgroup", cgroup: ["/a.scop"]), Self.profile("by-unit", unit: ["a.scope"]),
        ])
        let selection = set.selection(for: Self.identity(cgroup: "/a.scop", unit: "a.scope"))
        #expect(selection.profile.name == "by-unit" && selection.tiedWith.isEmpty)
    }

    // MARK: ties

    @Test func detectableTiesAreAmbiguities() {
        let set = ProfileSet(profiles: [
            Self.profile("b", unit: ["firefox*.scope"]), Self.profile("a", unit: ["*fox-1.scope"]),
            Self.profile("c", unit: ["nginx.service"]),
        ])
        // firefox*.scope and *fox-1.scope have 13 and 12 literals: not equal, no ambiguity.
        #expect(set.ambiguities.isEmpty)
        let clash = ProfileSet(profiles: [
            Self.profile("b", unit: ["firefox*.scope"]), Self.profile("a", unit: ["*firefox.scope"]),
        ])
        #expect(clash.ambiguities.count == 1)
        #expect(clash.ambiguities.first?.first == "a" && clash.ambiguities.first?.second == "b")
        #expect(clash.ambiguities.first?.description.contains("/apps.d/b.toml") == true)
    }

    @Test func disjointPatternsAreNoAmbiguity() {
        let set = ProfileSet(profiles: [
            Self.profile("a", exe: ["/usr/bin/curl"]), Self.profile("b", exe: ["/usr/bin/wget"]),
            Self.profile("c", unit: ["*.service"]), Self.profile("d", unit: ["*.scope"]),
            Self.profile("e", users: [.uid(0)]), Self.profile("f", users: [.uid(1)]),
        ])
        #expect(set.ambiguities.isEmpty)
        #expect(ProfileSet(profiles: [Self.profile("e", users: [.uid(0)]), Self.profile("f", users: [.uid(0)])])
            .ambiguities.count == 1)
    }

    @Test func runtimeTieGoesToTheFirstFileNameAndIsReported() {
        // A uid and a user name cannot be compared without the user database: a tie only at run time.
        let set = ProfileSet(profiles: [Self.profile("zz", users: [.name("root")]), Self.profile("aa", users: [.uid(0)])])
        #expect(set.ambiguities.isEmpty)
        let selection = set.selection(for: Self.identity(uid: 0, user: "root"))
        #expect(selection.profile.name == "aa")
        #expect(selection.tiedWith == ["zz"])
    }

    // MARK: vendor

    @Test func vendorDomainUsesTheInjectedRegistrableFunction() {
        var profile = Self.profile("ff", unit: ["firefox*.scope"])
        profile.vendor = [Sourced(PolicyName("mozilla.org")!, RuleSource(file: "ff.toml", line: 4))]
        // A stand-in for libpsl: the last two labels.
        let lastTwo: (PolicyName) -> PolicyName? = { name in
            let labels = name.text.split(separator: ".")
            return labels.count < 2 ? nil : PolicyName(labels.suffix(2).joined(separator: "."))
        }
        #expect(profile.vendorDomain(of: PolicyName("addons.cdn.mozilla.org")!, registrable: lastTwo)?.source.line == 4)
        #expect(profile.vendorDomain(of: PolicyName("mozilla.org.evil.com")!, registrable: lastTwo) == nil)
        #expect(profile.vendorDomain(of: PolicyName("org")!, registrable: lastTwo) == nil)
    }
}
