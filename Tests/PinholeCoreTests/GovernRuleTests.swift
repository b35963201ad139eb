import Testing
@testable import PinholeCore

@Suite struct GovernRuleTests {
    private static func profile(_ name: String, mode: PolicyMode, unit: [String] = [], exe: [String] = [], users: [UserMatch] = []) -> AppProfile {
        var profile = AppProfile(
            name: name, file: "/apps.d/\(name).toml",
            match: ProfileMatch(
                units: unit.map { Sourced(try! Glob($0), RuleSource(file: "f", line: 1)) },
                executables: exe.map { Sourced(try! Glob($0), RuleSource(file: "f", line: 2)) },
                users: users.map { Sourced($0, RuleSource(file: "f", line: 3)) }))
        profile.mode = mode
        return profile
    }

    private static func identity(cgroup: String, unit: String?, exe: String) -> AppIdentity {
        AppIdentity(
            key: "k", pid: 1, startTime: 1, executable: exe, executableState: .present, commandLine: [], ancestors: [],
            uid: 1000, userName: "alice", cgroupPath: cgroup, unit: unit, userUnit: nil, slice: nil, flatpakID: nil, snapName: nil)
    }

    @Test func modesGovernUnprofiledAppsOnlyWhenAskedAndNeverPinholedItself() {
        let rule = GovernRule(enforceUnprofiled: false, ownCgroup: "system.slice/pinholed.service")
        #expect(rule.governs(mode: .enforce, unprofiled: false, appCgroup: "app-a.scope", units: ["app-a.scope"]))
        #expect(rule.governs(mode: .firstParty, unprofiled: false, appCgroup: "app-a.scope", units: []))
        #expect(!rule.governs(mode: .learn, unprofiled: false, appCgroup: "app-a.scope", units: []))
        #expect(!rule.governs(mode: .blockListed, unprofiled: true, appCgroup: "app-a.scope", units: []))
        #expect(!rule.governs(mode: .enforce, unprofiled: false, appCgroup: "system.slice/pinholed.service", units: []))
        #expect(!rule.governs(mode: .enforce, unprofiled: false, appCgroup: "/system.slice/pinholed.service/sub", units: []))
        #expect(rule.governs(mode: .enforce, unprofiled: false, appCgroup: "system.slice/pinholed.service2", units: []))
        #expect(!rule.governs(mode: .enforce, unprofiled: false, appCgroup: "", units: []), "the root cgroup")
    }

    @Test func exemptUnitsSpareUnprofiledAppsButNotProfiledOnes() throws {
        let rule = GovernRule(enforceUnprofiled: true, exempt: [try Glob("sshd.service"), try Glob("user@*.service")])
        #expect(rule.governs(mode: .blockListed, unprofiled: true, appCgroup: "system.slice/cron.service", units: ["cron.service"]))
        #expect(!rule.governs(mode: .blockListed, unprofiled: true, appCgroup: "system.slice/sshd.service", units: ["sshd.service"]))
        #expect(!rule.governs(mode: .enforce, unprofiled: true, appCgroup: "u/user@1000.service", units: ["user@1000.service", nil]))
        #expect(rule.governs(mode: .enforce, unprofiled: false, appCgroup: "system.slice/sshd.service", units: ["sshd.service"]))
    }

    @Test func aCgroupIsDecidedByUnitWithoutAProcessWhenNoProfileLooksAtTheExecutable() {
        let profiles = ProfileSet(profiles: [Self.profile("shop", mode: .enforce, unit: ["app-a.scope"])])
        let rule = GovernRule()
        #expect(rule.decision(cgroupPath: "/app-a.scope", unit: "app-a.scope", userUnit: nil, profiles: profiles).verdict == .govern)
        #expect(rule.decision(cgroupPath: "/app-b.scope", unit: "app-b.scope", userUnit: nil, profiles: profiles).verdict == .leave)
        #expect(GovernRule(enforceUnprofiled: true).decision(
            cgroupPath: "/app-b.scope", unit: "app-b.scope", userUnit: nil, profiles: profiles).verdict == .govern)
    }

    @Test func execsAreLookedAtOnlyWhenAProfileMatchesByExecutableOrUser() {
        let byUnit = Self.profile("shop", mode: .enforce, unit: ["app-a.scope"])
        #expect(!GovernRule.decidesByProcess(ProfileSet(profiles: [])))
        #expect(!GovernRule.decidesByProcess(ProfileSet(profiles: [byUnit])))
        #expect(GovernRule.decidesByProcess(ProfileSet(profiles: [byUnit, Self.profile("tool", mode: .firstParty, exe: ["/usr/bin/curl"])])))
        // learn without rules: an exec could neither govern nor restrict.
        let learning = Self.profile("tool", mode: .learn, exe: ["/usr/bin/curl"])
        #expect(!GovernRule.decidesByProcess(ProfileSet(profiles: [byUnit, learning])))
        var restricted = learning
        restricted.interfaces = [Sourced("wg0", RuleSource(file: "f", line: 4))]
        #expect(GovernRule.decidesByProcess(ProfileSet(profiles: [restricted])))
        #expect(GovernRule.decidesByProcess(ProfileSet(profiles: [Self.profile("alice", mode: .enforce, users: [.name("alice")])])))
    }

    @Test func aProfileMatchingByExecutableOrUserWaitsForAProcess() {
        let profiles = ProfileSet(profiles: [
            Self.profile("tool", mode: .enforce, unit: ["tool-*.scope"], exe: ["/usr/bin/curl"]),
            Self.profile("alice", mode: .enforce, users: [.name("alice")]),
        ])
        let rule = GovernRule()
        // The user profile can match anything: every cgroup needs a process.
        #expect(rule.decision(cgroupPath: "/x.scope", unit: "x.scope", userUnit: nil, profiles: profiles).verdict == .needsProcess)
        let onlyTool = ProfileSet(profiles: [profiles.profiles[1]])
        #expect(rule.decision(cgroupPath: "/x.scope", unit: "x.scope", userUnit: nil, profiles: onlyTool).verdict == .leave)
        #expect(rule.decision(cgroupPath: "/tool-1.scope", unit: "tool-1.scope", userUnit: nil, profiles: onlyTool).verdict == .needsProcess)
        let curl = Self.identity(cgroup: "/tool-1.scope", unit: "tool-1.scope", exe: "/usr/bin/curl")
        let shell = Self.identity(cgroup: "/tool-1.scope", unit: "tool-1.scope", exe: "/bin/sh")
        #expect(rule.decision(cgroupPath: "/tool-1.scope", unit: "tool-1.scope", userUnit: nil, profiles: onlyTool, process: curl).verdict == .govern)
        #expect(rule.decision(cgroupPath: "/tool-1.scope", unit: "tool-1.scope", userUnit: nil, profiles: onlyTool, process: shell).verdict == .leave)
    }

    @Test func aDecisionCarriesTheNetworkRulesOfTheProfileItSelected() throws {
        var printer = Self.profile("printer", mode: .enforce, unit: ["printer.scope"])
        printer.allowCIDRs = [Sourced(try CIDRBlock(parsing: "192.0.2.2/32"), RuleSource(file: "f", line: 4))]
        var vpnOnly = Self.profile("vpn-only", mode: .learn, unit: ["only-*.scope"])
        vpnOnly.interfaces = [Sourced("wg0", RuleSource(file: "f", line: 5))]
        var tool = Self.profile("tool", mode: .enforce, unit: ["tool-*.scope"], exe: ["/usr/bin/curl"])
        tool.interfaces = [Sourced("eth1", RuleSource(file: "f", line: 6))]
        let profiles = ProfileSet(profiles: [printer, vpnOnly, tool])
        let rule = GovernRule()
        #expect(rule.decision(cgroupPath: "/printer.scope", unit: "printer.scope", userUnit: nil, profiles: profiles)
            == GovernDecision(verdict: .govern, rules: AppNetworkRules(allowCIDRs: [try CIDRBlock(parsing: "192.0.2.2/32")])))
        // Not governed (learn), still restricted to its interfaces.
        #expect(rule.decision(cgroupPath: "/only-wg0.scope", unit: "only-wg0.scope", userUnit: nil, profiles: profiles)
            == GovernDecision(verdict: .leave, rules: AppNetworkRules(interfaces: ["wg0"])))
        #expect(rule.decision(cgroupPath: "/other.scope", unit: "other.scope", userUnit: nil, profiles: profiles)
            == GovernDecision(verdict: .leave, rules: .none))
        // Undecided without a process: no rules yet; the process's profile brings its own.
        #expect(rule.decision(cgroupPath: "/tool-1.scope", unit: "tool-1.scope", userUnit: nil, profiles: profiles) == .needsProcess)
        let curl = Self.identity(cgroup: "/tool-1.scope", unit: "tool-1.scope", exe: "/usr/bin/curl")
        #expect(rule.decision(cgroupPath: "/tool-1.scope", unit: "tool-1.scope", userUnit: nil, profiles: profiles, process: curl)
            == GovernDecision(verdict: .govern, rules: AppNetworkRules(interfaces: ["eth1"])))
    }

    @Test func anExecScopeSelectsTheProfileItNames() {
        let profiles = ProfileSet(profiles: [
            Self.profile("shop", mode: .enforce, unit: ["shop.service"]),
            Self.profile("catch-all", mode: .learn, unit: ["*.scope"]),
        ])
        let path = "/pinhole.exec/pinhole-shop-42.scope"
        #expect(GovernRule().decision(cgroupPath: path, unit: "pinhole-shop-42.scope", userUnit: nil, profiles: profiles).verdict == .govern)
        let selected = profiles.select(for: Self.identity(cgroup: path, unit: "pinhole-shop-42.scope", exe: "/bin/true"))
        #expect(selected.name == "shop")
        // No profile of that name: the ordinary matching.
        #expect(profiles.select(for: Self.identity(cgroup: "/p", unit: "pinhole-nope-1.scope", exe: "/bin/true")).name == "catch-all")
    }

    @Test func execScopeNamesRoundTrip() {
        #expect(ExecScope.unitName(app: "shop", serial: 42) == "pinhole-shop-42.scope")
        #expect(ExecScope.appName(fromUnit: "pinhole-shop-42.scope") == "shop")
        #expect(ExecScope.appName(fromUnit: "pinhole-my-app-7.scope") == "my-app")
        #expect(ExecScope.appName(fromUnit: "pinhole-shop.scope") == nil)
        #expect(ExecScope.appName(fromUnit: "pinhole-shop-42.service") == nil)
        #expect(ExecScope.appName(fromUnit: "pinhole--1.scope") == nil)
        #expect(!ExecScope.isValidAppName("a b") && !ExecScope.isValidAppName("") && ExecScope.isValidAppName("org.shop_1"))
        #expect(AppKey.derive(unit: "pinhole-shop-42.scope", userUnit: nil, executable: "/bin/sh") == "exec:shop")
    }

    @Test func unitCgroupsAreTheAppsOfTheirUnits() {
        #expect(AppCgroup.isUnitCgroup(cgroupPath: "/system.slice/nginx.service", unit: "nginx.service", userUnit: nil))
        #expect(!AppCgroup.isUnitCgroup(cgroupPath: "/system.slice/nginx.service/worker", unit: "nginx.service", userUnit: nil))
        #expect(!AppCgroup.isUnitCgroup(cgroupPath: "/system.slice", unit: nil, userUnit: nil))
        #expect(!AppCgroup.isUnitCgroup(cgroupPath: "/a.service/b.scope", unit: "a.service", userUnit: nil), "a scope inside a service")
        let user = "/user.slice/user-1000.slice/user@1000.service/app.slice/app-foo.scope"
        #expect(AppCgroup.isUnitCgroup(cgroupPath: user, unit: "user@1000.service", userUnit: "app-foo.scope"))
        #expect(AppCgroup.isUnitCgroup(
            cgroupPath: "/user.slice/user-1000.slice/user@1000.service", unit: "user@1000.service", userUnit: nil))
    }
}
