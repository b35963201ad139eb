import PinholeDaemon
import Testing
@testable import SystemResolver

/// Plans made from facts alone: which mode, which upstreams, which files
/// change how, which services are called, and refusals with a reason.
@Suite struct PlanTests {
    static let stub = "# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.example\n"
    static let uplink = "nameserver 192.0.2.53\nnameserver 2001:db8::53\n"
    static let nsswitch = "hosts: files resolve [!UNAVAIL=return] dns\n"

    static func resolvedFacts(resolvedActive: Bool = true) -> SystemFacts {
        SystemFacts(
            resolvConf: .resolvedStub(target: "../run/systemd/resolve/stub-resolv.conf"), resolvConfText: stub,
            resolvedActive: resolvedActive, resolvedUplinkText: uplink, nsswitch: NsswitchConf(text: nsswitch), pinholeConfig: .defaults)
    }

    @Test func keepResolvedIsTheDefaultWhereResolvedRuns() throws {
        let plan = try SwitchPlanner().plan(for: Self.resolvedFacts())
        #expect(plan.mode == .keepResolved)
        #expect(plan.upstreams.map(\.description) == ["127.0.0.54:53"])
        #expect(plan.files.map(\.path) == [
            "/etc/pinhole/upstream-resolv.conf", "/etc/pinhole/pinhole.toml", "/etc/systemd/resolved.conf.d/pinhole.conf",
            "/etc/nsswitch.conf", "/etc/resolv.conf",
        ])
        #expect(plan.services.map(\.commandLine) == ["systemctl restart systemd-resolved.service", "systemctl try-restart pinholed.service"])
        let dropIn = try #require(plan.change(to: "/etc/systemd/resolved.conf.d/pinhole.conf")).contents
        #expect(dropIn.contains("\nDNSStubListener=no\n") && dropIn.contains("\nDNSStubListenerExtra=127.0.0.54\n"))
        #expect(plan.change(to: "/etc/nsswitch.conf")?.contents == "hosts: files dns\n")
        let resolvConf = try #require(plan.change(to: "/etc/resolv.conf")).contents
        #expect(resolvConf.contains("\nnameserver 127.0.0.153\n") && resolvConf.contains("\nsearch corp.example\n") && !resolvConf.contains("127.0.0.53"))
        #expect(plan.change(to: "/etc/pinhole/upstream-resolv.conf")?.contents.hasSuffix("\nnameserver 127.0.0.54\n") == true)
        // The written config is valid and points pinholed at the generated list.
        let config = try ConfigLoader.parse(try #require(plan.change(to: "/etc/pinhole/pinhole.toml")).contents, file: "plan")
        #expect(config.upstream.resolvConf == "/etc/pinhole/upstream-resolv.conf")
    }

    @Test func replaceAdoptsResolvedsUpstreamsAndDisablesIt() throws {
        let plan = try SwitchPlanner(mode: .replace).plan(for: Self.resolvedFacts())
        #expect(plan.upstreams.map(\.host) == ["192.0.2.53", "2001:db8::53"] && plan.upstreamOrigin == "/run/systemd/resolve/resolv.conf")
        let disable = try #require(plan.services.first { $0.arguments.first == "disable" })
        #expect(disable.arguments == ["disable", "--now", "systemd-resolved.service"] && disable.undo == ["enable", "--now", "systemd-resolved.service"])
        #expect(plan.change(to: "/etc/systemd/resolved.conf.d/pinhole.conf") == nil)
        // Without io.systemd.Resolve served by pinholed, `resolve` must go.
        #expect(plan.change(to: "/etc/nsswitch.conf")?.contents == "hosts: files dns\n")
    }

    @Test func replaceKeepsResolveAndEnablesVarlinkWhenPinholedServesIt() throws {
        var facts = Self.resolvedFacts()
        facts.varlinkSupported = true
        let plan = try SwitchPlanner(mode: .replace).plan(for: facts)
        #expect(plan.change(to: "/etc/nsswitch.conf") == nil)
        #expect(plan.change(to: "/etc/pinhole/pinhole.toml")?.contents.contains("[varlink]\nenabled = true\n") == true)
        // The search line moves along, for io.systemd.Resolve's single-label names.
        let upstream = try #require(plan.change(to: "/etc/pinhole/upstream-resolv.conf")).contents
        #expect(upstream.hasSuffix("nameserver 2001:db8::53\nsearch corp.example\n"), "\(upstream)")
        #expect(ResolvConf(parsing: upstream).searchDomains == ["corp.example"])
        // The unit's sandbox gets resolved's directory: a drop-in, read by
        // daemon-reload after resolved stops and before pinholed restarts.
        let dropIn = try #require(plan.change(to: "/etc/systemd/system/pinholed.service.d/pinhole-varlink.conf")).contents
        #expect(dropIn.contains("\n[Service]\nRuntimeDirectory=systemd/resolve\nRuntimeDirectoryMode=0755\n"), "\(dropIn)")
        // Added to the unit's list, never an empty assignment that resets it.
        #expect(!dropIn.split(separator: "\n").contains("RuntimeDirectory="), "\(dropIn)")
        #expect(plan.services.map(\.commandLine) == [
            "systemctl disable --now systemd-resolved.service", "systemctl daemon-reload", "systemctl try-restart pinholed.service",
        ])
        let reload = try #require(plan.services.first { $0.arguments == ["daemon-reload"] })
        #expect(reload.undo == ["daemon-reload"] && reload.undoRereadsFiles)
        // Without varlink (nsswitch loses `resolve`) there is no drop-in.
        #expect(try SwitchPlanner(mode: .replace).plan(for: Self.resolvedFacts()).change(to: "/etc/systemd/system/pinholed.service.d/pinhole-varlink.conf") == nil)
    }

    @Test func aVarlinkSocketOutsideRunCannotGetADropIn() throws {
        var facts = Self.resolvedFacts()
        facts.varlinkSupported = true
        facts.pinholeConfig.varlink.socket = "/var/lib/pinhole/resolve.sock"
        #expect(throws: SystemResolverError.self) { try SwitchPlanner(mode: .replace).plan(for: facts) }
        #expect(try SwitchPlanner.runtimeDirectory(ofSocket: "/run/systemd/resolve/io.systemd.Resolve") == "systemd/resolve")
    }

    @Test func withoutResolvedTheCurrentNameserversAreAdoptedButNeverPinholeItself() throws {
        let facts = SystemFacts(
            resolvConf: .regularFile, resolvConfText: "nameserver 127.0.0.153\nnameserver 198.51.100.1\n", resolvConfMode: 0o600,
            resolvedActive: false, nsswitch: NsswitchConf(text: "hosts: files dns\n"), pinholeConfig: .defaults)
        let plan = try SwitchPlanner().plan(for: facts)
        #expect(plan.mode == .replace && plan.upstreams.map(\.host) == ["198.51.100.1"] && plan.upstreamOrigin == "/etc/resolv.conf")
        #expect(plan.services.map(\.commandLine) == ["systemctl try-restart pinholed.service"])
        #expect(plan.change(to: "/etc/nsswitch.conf") == nil)
        #expect(plan.change(to: "/etc/resolv.conf")?.mode == 0o600)
    }

    @Test func refusalsSayWhatToDo() {
        let onlyPinhole = SystemFacts(
            resolvConf: .regularFile, resolvConfText: "nameserver 127.0.0.153\n", resolvedActive: false,
            nsswitch: nil, pinholeConfig: .defaults)
        #expect(throws: SystemResolverError.self) { try SwitchPlanner().plan(for: onlyPinhole) }
        do {
            _ = try SwitchPlanner().plan(for: onlyPinhole)
        } catch {
            #expect(error.message.contains("--upstream"))
        }
        do {
            _ = try SwitchPlanner(mode: .keepResolved).plan(for: Self.resolvedFacts(resolvedActive: false))
            Issue.record("keep-resolved without resolved was planned")
        } catch {
            #expect(error.message.contains("not active"))
        }
        var otherPort = Self.resolvedFacts()
        otherPort.pinholeConfig.server.listen = [try! SocketAddressText(parsing: "127.0.0.153:5353")]
        do {
            _ = try SwitchPlanner().plan(for: otherPort)
            Issue.record("a listener on port 5353 was planned into resolv.conf")
        } catch {
            #expect(error.message.contains("port 53"))
        }
    }

    @Test func networkManagerGetsADropInOnlyWhenItWritesResolvConf() throws {
        var facts = Self.resolvedFacts()
        facts.networkManagerActive = true
        let plan = try SwitchPlanner().plan(for: facts)
        #expect(plan.change(to: "/etc/NetworkManager/conf.d/90-pinhole.conf")?.contents.contains("rc-manager=unmanaged") == true)
        #expect(plan.services.contains { $0.arguments == ["reload", "NetworkManager.service"] })
        facts.networkManager = NetworkManagerConf(dns: "none")
        #expect(try SwitchPlanner().plan(for: facts).change(to: "/etc/NetworkManager/conf.d/90-pinhole.conf") == nil)
    }

    @Test func anExistingConfigKeepsItsOtherLines() throws {
        var facts = Self.resolvedFacts()
        facts.pinholeConfigText = "# mine\n[cache]\nsize = 5\n\n[upstream]\ntimeout = \"3s\"\n"
        let written = try #require(try SwitchPlanner().plan(for: facts).change(to: "/etc/pinhole/pinhole.toml")).contents
        #expect(written == "# mine\n[cache]\nsize = 5\n\n[upstream]\nresolv_conf = \"/etc/pinhole/upstream-resolv.conf\"\ntimeout = \"3s\"\n")
    }
}
