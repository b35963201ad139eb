import Testing
@testable import PinholeDaemon

/// The pure parts of search-domain expansion and IDNA: which names a
/// ResolveHostname call tries, the A-label forms libidn2 gives, where the
/// search list comes from (resolv.conf, `upstream.search`).
@Suite struct SearchAndIDNATests {
    let search = ["absent.test", "search.test"]

    @Test func aSingleLabelNameIsTriedWithEachSearchDomainInOrder() {
        #expect(HostnameCandidates.names(for: "host", searchDomains: search, flags: 0) == ["host.absent.test", "host.search.test"])
        // Relaxed: the bare name last, after the search domains.
        #expect(HostnameCandidates.names(for: "host", searchDomains: search, flags: HostnameCandidates.relaxSingleLabelFlag)
            == ["host.absent.test", "host.search.test", "host"])
        // Without search domains a single label is asked as it is.
        #expect(HostnameCandidates.names(for: "host", searchDomains: [], flags: 0) == ["host"])
    }

    @Test func dottedNamesTrailingDotsAndNoSearchAreLeftAlone() {
        #expect(HostnameCandidates.names(for: "host.corp", searchDomains: search, flags: 0) == ["host.corp"])
        #expect(HostnameCandidates.names(for: "host.", searchDomains: search, flags: 0) == ["host."])
        #expect(HostnameCandidates.names(for: "host", searchDomains: search, flags: HostnameCandidates.noSearchFlag) == ["host"])
        // SD_RESOLVED_NO_SEARCH is bit 8 in systemd's resolved-def.h.
        #expect(HostnameCandidates.noSearchFlag == 256 && HostnameCandidates.relaxSingleLabelFlag == 1 << 25)
    }

    @Test func expansionsTooLongForDNSAreSkipped() {
        let long = Array(repeating: String(repeating: "d", count: 60), count: 4).joined(separator: ".")  // 243 bytes
        let label = String(repeating: "h", count: 20)
        #expect(HostnameCandidates.names(for: label, searchDomains: [long, "search.test"], flags: 0) == ["\(label).search.test"])
        #expect(HostnameCandidates.names(for: label, searchDomains: [long], flags: 0) == [label])
    }

    @Test func searchListsAreNormalized() {
        let (domains, rejected) = HostnameCandidates.normalized(["Corp.Example.", "corp.example", ".", "bücher.example", "a..b", "x_y.lan"])
        #expect(domains == ["Corp.Example", "xn--bcher-kva.example", "x_y.lan"])
        #expect(rejected.count == 1 && rejected[0].contains("a..b"), "\(rejected)")
    }

    @Test func nonASCIINamesBecomeALabels() throws {
        #expect(try IDNAName.ascii("bücher.example") == "xn--bcher-kva.example")
        #expect(try IDNAName.ascii("Bücher.example.") == "xn--bcher-kva.example.")
        // IDNA2008 keeps ß (IDNA2003 mapped it to "ss").
        #expect(try IDNAName.ascii("faß.de") == "xn--fa-hia.de")
        // ☃ is disallowed by IDNA2008; like resolved, transitional processing takes it then.
        #expect(try IDNAName.ascii("☃.example") == "xn--n3h.example")
        // ASCII is not touched: case, underscores and all.
        #expect(try IDNAName.ascii("_dmarc.Example.COM") == "_dmarc.Example.COM")
    }

    @Test func namesWithoutAnALabelFormAreRejectedWithLibidn2sReason() {
        // A leading combining mark; a label of 64 "ü" (over 63 bytes as an A-label too).
        for bad in ["\u{0301}x.example", String(repeating: "ü", count: 64) + ".example"] {
            #expect(throws: IDNAName.Failure.self, "\(bad)") { try IDNAName.ascii(bad) }
        }
        do {
            _ = try IDNAName.ascii("\u{0301}x.example")
        } catch {
            #expect(error.description.hasPrefix("\"\u{0301}x.example\" cannot be converted") && error.reason.count > 5, "\(error)")
        }
    }

    @Test func resolvConfGivesTheLastSearchOrDomainLine() {
        #expect(ResolvConf(parsing: "nameserver 192.0.2.53\nsearch a.example b.example\n").searchDomains == ["a.example", "b.example"])
        #expect(ResolvConf(parsing: "search a.example\ndomain c.example extra\n").searchDomains == ["c.example"])
        #expect(ResolvConf(parsing: "domain c.example\nsearch\tx.example  y.example # comment\n").searchDomains == ["x.example", "y.example"])
        #expect(ResolvConf(parsing: "nameserver 192.0.2.53\n").searchDomains.isEmpty)
    }

    @Test func upstreamSearchOverridesResolvConf() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("resolv.conf", "nameserver 192.0.2.53\nsearch Search.Test. bücher.example\n")
        var config = try ConfigLoader.parse("[upstream]\nresolv_conf = \"\(file)\"\n", file: "/etc/pinhole/pinhole.toml")
        #expect(config.searchDomains().domains == ["Search.Test", "xn--bcher-kva.example"])
        config = try ConfigLoader.parse("[upstream]\nresolv_conf = \"\(file)\"\nsearch = [\"corp.example\"]\n", file: "/etc/pinhole/pinhole.toml")
        #expect(config.upstream.search == ["corp.example"] && config.searchDomains().domains == ["corp.example"])
        #expect(try config.summary().contains("upstream.search = [\"corp.example\"]  # from upstream.search"))
        // The root alone means none, whatever resolv.conf says; empty means resolv.conf's.
        config = try ConfigLoader.parse("[upstream]\nresolv_conf = \"\(file)\"\nsearch = [\".\"]\n", file: "/etc/pinhole/pinhole.toml")
        #expect(config.upstream.search == ["."] && config.searchDomains().domains.isEmpty)
        config = try ConfigLoader.parse("[upstream]\nresolv_conf = \"\(file)\"\nsearch = []\n", file: "/etc/pinhole/pinhole.toml")
        #expect(config.searchDomains().domains.count == 2)
        // A missing resolv.conf gives no search domains (servers may be explicit).
        config = try ConfigLoader.parse("[upstream]\nservers = [\"192.0.2.53\"]\nresolv_conf = \"\(directory.path)/none\"\n", file: "/etc/pinhole/pinhole.toml")
        #expect(config.searchDomains().domains.isEmpty)
    }

    @Test func badSearchValuesAreConfigErrorsNamingTheKey() {
        for text in ["search = \"corp.example\"", "search = [1]", "search = [\"a..b\"]", "search = [\"\u{0301}x.example\"]"] {
            do {
                _ = try ConfigLoader.parse("[upstream]\n\(text)\n", file: "/etc/pinhole/pinhole.toml")
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains("upstream.search"), "\(error)")
            }
        }
    }
}
