import Testing
@testable import SystemResolver

/// The pure readers behind detection: resolv.conf's symlink, nsswitch's
/// hosts line, NetworkManager's settings, the pinhole.toml key setter.
@Suite struct DetectionTests {
    @Test func resolvConfSymlinksAreClassifiedByWhereTheyPoint() {
        #expect(ResolvConfState(symlinkTarget: "../run/systemd/resolve/stub-resolv.conf", exists: true) == .resolvedStub(target: "../run/systemd/resolve/stub-resolv.conf"))
        #expect(ResolvConfState(symlinkTarget: "/run/systemd/resolve/resolv.conf", exists: true) == .resolvedUplink(target: "/run/systemd/resolve/resolv.conf"))
        #expect(ResolvConfState(symlinkTarget: "../usr/lib/systemd/resolv.conf", exists: true) == .resolvedStatic(target: "../usr/lib/systemd/resolv.conf"))
        #expect(ResolvConfState(symlinkTarget: "../run/resolvconf/resolv.conf", exists: true) == .resolvconf(target: "../run/resolvconf/resolv.conf"))
        #expect(ResolvConfState(symlinkTarget: "/tmp/x", exists: true) == .otherSymlink(target: "/tmp/x"))
        #expect(ResolvConfState(symlinkTarget: nil, exists: true) == .regularFile)
        #expect(ResolvConfState(symlinkTarget: nil, exists: false) == .absent)
        #expect(ResolvConfState(symlinkTarget: "./../run/systemd/resolve/./stub-resolv.conf", exists: true).isResolvedLink)
    }

    @Test func nsswitchHostsLineIsReadWithBracketedActions() {
        let conf = NsswitchConf(text: "passwd: files\n# hosts: nope\nhosts:  files resolve [!UNAVAIL = return] dns myhostname # comment\n")
        #expect(conf.hostsTokens == ["files", "resolve", "[!UNAVAIL = return]", "dns", "myhostname"])
        #expect(conf.hostsSources == ["files", "resolve", "dns", "myhostname"])
        #expect(conf.usesResolve && conf.usesDNS)
        #expect(NsswitchConf(text: "passwd: files\n").hostsTokens == nil)
        #expect(NsswitchConf(text: "passwd: files\n").usesDNS)
    }

    @Test func removingResolveKeepsEveryOtherByte() {
        let text = "# head\npasswd:         files systemd\nhosts:          files mymachines resolve [!UNAVAIL=return] dns myhostname\nnetworks:       files\n"
        let edited = NsswitchConf(text: text).removingResolve()
        #expect(edited == "# head\npasswd:         files systemd\nhosts:          files mymachines dns myhostname\nnetworks:       files\n")
        #expect(!NsswitchConf(text: edited).usesResolve)
    }

    @Test func resolveAsTheOnlyDNSSourceIsReplacedByDNS() {
        #expect(NsswitchConf(text: "hosts: files resolve myhostname").removingResolve() == "hosts: files dns myhostname")
        #expect(NsswitchConf(text: "hosts: files dns").removingResolve() == "hosts: files dns")
    }

    @Test func networkManagerLaterFilesWin() {
        let conf = NetworkManagerConf(texts: ["[main]\ndns=default\n", "[logging]\ndns=none\n", "[main]\n rc-manager = symlink\n", "[main]\ndns=systemd-resolved\n"])
        #expect(conf.dns == "systemd-resolved" && conf.rcManager == "symlink" && conf.writesResolvConf)
        #expect(!NetworkManagerConf(texts: ["[main]\ndns=none\n"]).writesResolvConf)
        #expect(!NetworkManagerConf(texts: ["[main]\nrc-manager=unmanaged\n"]).writesResolvConf)
    }

    /// The key setter is ProfileTextEdit's scanner (tested in PinholeCoreTests); here its use for pinhole.toml.
    @Test func tomlKeySetterReplacesInsertsOrAppends() throws {
        let value = "\"/etc/pinhole/upstream-resolv.conf\""
        // An existing key's value is replaced in place (its comment kept).
        #expect(try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "# c\n[upstream]\ntimeout = \"2s\"\nresolv_conf = \"/x\" # old\n[cache]\nsize = 1\n")
            == "# c\n[upstream]\ntimeout = \"2s\"\nresolv_conf = \(value) # old\n[cache]\nsize = 1\n")
        // A table without the key gets it under its header; another table's key of that name is left alone.
        #expect(try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "[other]\nresolv_conf = 1\n[upstream]\ntimeout = \"2s\"\n")
            == "[other]\nresolv_conf = 1\n[upstream]\nresolv_conf = \(value)\ntimeout = \"2s\"\n")
        // A commented-out table (the shipped example) is not a table: append one.
        #expect(try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "#[upstream]\n#resolv_conf = \"/etc/resolv.conf\"\n")
            == "#[upstream]\n#resolv_conf = \"/etc/resolv.conf\"\n\n[upstream]\nresolv_conf = \(value)\n")
        // A top-level dotted key is replaced where it is.
        #expect(try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "upstream.resolv_conf = \"/x\"\n[cache]\n")
            == "upstream.resolv_conf = \(value)\n[cache]\n")
        #expect(try TOMLKeySetter.set(table: "varlink", key: "enabled", value: "true", in: "") == "[varlink]\nenabled = true\n")
        // A multi-line array line starting with `[` is no header.
        #expect(try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "x = [\n[upstream]\n]\n")
            == "x = [\n[upstream]\n]\n\n[upstream]\nresolv_conf = \(value)\n")
        #expect(throws: SystemResolverError.self) {
            try TOMLKeySetter.set(table: "upstream", key: "resolv_conf", value: value, in: "[upstream\n", file: "/etc/pinhole/pinhole.toml")
        }
    }
}
