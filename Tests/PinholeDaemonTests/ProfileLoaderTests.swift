import PinholeCore
import Testing
@testable import PinholeDaemon

@Suite struct ProfileLoaderTests {
    private static let psl = RegistrableDomain()?.function

    private func load(_ files: [(String, String)]) throws(ProfileLoadError) -> ProfileSet {
        try ProfileLoader.parse(files: files.map { (path: "/apps.d/\($0.0)", text: $0.1) }, registrable: Self.psl)
    }

    private func errors(_ files: [(String, String)]) -> [String] {
        do {
            _ = try load(files)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func everyKeyIsRead() throws {
        let set = try load([("web.toml", """
            mode = "first-party"
            allow = [
                "example.com",
                "=exact.example.net",
                '*.cdn.example.org',
                '/^ad[0-9]+\\./',
            ]
            deny = "ads.example.com"
            vendor = ["mozilla.org", "bbc.co.uk"]
            lists = ["telemetry", "ads-trackers"]
            allow_cidrs = ["192.0.2.0/24", "2001:db8::/32"]
            interfaces = ["wg0"]
            block_reply = "nodata"
            rebinding_guard = false

            [match]
            unit = ["firefox*.scope", "app-flatpak-org.mozilla.firefox-*.scope"]
            executable = "/usr/lib/firefox/*"
            cgroup = "/user.slice/*"
            user = ["alice", 1000]
            """)])
        let profile = try #require(set.profiles.first)
        #expect(set.profiles.count == 1 && profile.name == "web" && profile.file == "/apps.d/web.toml")
        #expect(profile.mode == .firstParty && profile.modeSource?.line == 1)
        #expect(profile.allow.rules.map(\.text) == ["example.com", "=exact.example.net", "*.cdn.example.org", "/^ad[0-9]+\\./"])
        #expect(profile.allow.rules.map(\.source.line) == [3, 4, 5, 6])  // each element its own line
        #expect(profile.deny.rules.map(\.source.description) == ["/apps.d/web.toml:8"])
        #expect(profile.vendor.map(\.value.text) == ["mozilla.org", "bbc.co.uk"])
        #expect(profile.lists.map(\.value) == ["telemetry", "ads-trackers"])
        #expect(profile.allowCIDRs.map(\.value.description) == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(profile.interfaces.map(\.value) == ["wg0"])
        #expect(profile.blockReply?.value == .nodata && profile.blockReply?.source.line == 13)
        #expect(!profile.rebindingGuard)
        #expect(profile.match.units.map(\.value.pattern) == ["firefox*.scope", "app-flatpak-org.mozilla.firefox-*.scope"])
        #expect(profile.match.executables.map(\.source.line) == [18])
        #expect(profile.match.cgroups.count == 1)
        #expect(profile.match.users.map(\.value) == [.name("alice"), .uid(1000)])
        #expect(set.defaultProfile.name == "default" && set.defaultProfile.file == nil)
    }

    @Test func defaultsWhenKeysAreLeftOut() throws {
        let profile = try #require(try load([("a.toml", "[match]\nunit = \"a.service\"\n")]).profiles.first)
        #expect(profile.mode == .blockListed && profile.modeSource == nil && profile.rebindingGuard)
        #expect(profile.allow.isEmpty && profile.deny.isEmpty && profile.vendor.isEmpty && profile.blockReply == nil)
    }

    @Test func defaultTomlReplacesTheBuiltInDefault() throws {
        let set = try load([("default.toml", "mode = \"learn\"\nlists = [\"malware\"]\n")])
        #expect(set.profiles.isEmpty)
        #expect(set.defaultProfile.mode == .learn && set.defaultProfile.lists.map(\.value) == ["malware"])
        #expect(set.defaultProfile.file == "/apps.d/default.toml")
        #expect(errors([("default.toml", "[match]\nunit = \"x.service\"\n")]).first?.hasPrefix("/apps.d/default.toml:1: match:") == true)
    }

    @Test func eachBadValueIsReportedWithFileLineAndKey() {
        let found = errors([("bad.toml", """
            mode = "strict"
            colour = "blue"
            allow = [
                "good.example",
                "*.",
                "/[unclosed/",
            ]
            deny = 5
            vendor = ["www.bbc.co.uk", "co.uk"]
            allow_cidrs = ["192.0.2.1/24"]
            interfaces = ["a/b"]
            block_reply = "drop"
            rebinding_guard = "yes"
            [match]
            unit = "fire[fox].scope"
            executable = "firefox"
            user = -1
            shell = "bash"
            """)])
        let expected: [(String, String)] = [
            ("/apps.d/bad.toml:1:", "mode: expected one of enforce, block-listed, learn, first-party, off, got \"strict\""),
            ("/apps.d/bad.toml:2:", "colour: unknown key"),
            ("/apps.d/bad.toml:5:", "allow: \"*.\": expected a domain name"),
            ("/apps.d/bad.toml:6:", "allow: \"/[unclosed/\""),
            ("/apps.d/bad.toml:8:", "deny: expected a string or an array of strings, got 5"),
            ("/apps.d/bad.toml:9:", "vendor: \"www.bbc.co.uk\" is not a registrable domain; did you mean \"bbc.co.uk\"?"),
            ("/apps.d/bad.toml:9:", "vendor: \"co.uk\" is a public suffix"),
            ("/apps.d/bad.toml:10:", "allow_cidrs: \"192.0.2.1/24\": host bits are set"),
            ("/apps.d/bad.toml:11:", "interfaces: \"a/b\""),
            ("/apps.d/bad.toml:12:", "block_reply: expected one of null, nxdomain, nodata, refused, got \"drop\""),
            ("/apps.d/bad.toml:13:", "rebinding_guard: expected true or false"),
            ("/apps.d/bad.toml:15:", "match.unit: \"fire[fox].scope\": character classes"),
            ("/apps.d/bad.toml:16:", "match.executable: \"firefox\": expected an absolute path"),
            ("/apps.d/bad.toml:17:", "match.user: expected a user name or a uid"),
            ("/apps.d/bad.toml:18:", "match.shell: unknown key"),
        ]
        for (location, message) in expected {
            #expect(found.contains { $0.hasPrefix("\(location) \(message)") }, "missing \(location) \(message) in \(found)")
        }
        #expect(found.count == expected.count, "\(found)")
    }

    @Test func errorsOfAllFilesAreCollected() {
        let found = errors([
            ("a.toml", "mode = \"enforce\"\n[match]\nunit = \"a.service\"\n"),  // fine
            ("b.toml", "mode = 1\n[match]\nunit = \"b.service\"\n"),
            ("c.toml", "[match]\nunit = \"c.service\"\n\ndeny = [\"ok.example\", \"bad..example\"]\n"),
            ("d.toml", "mode = \"off\"\n"),  // no [match]
            ("e.toml", "[match\nunit = 1"),  // TOML syntax
        ])
        #expect(found.count == 4, "\(found)")
        #expect(found.contains { $0.hasPrefix("/apps.d/b.toml:1: mode:") })
        #expect(found.contains { $0.hasPrefix("/apps.d/c.toml:4: match.deny:") })  // a key after [match] belongs to it
        #expect(found.contains { $0.hasPrefix("/apps.d/d.toml: no [match] table") })
        #expect(found.contains { $0.hasPrefix("/apps.d/e.toml:1:") && $0.contains("TOML syntax error") })
    }

    @Test func ambiguousProfilesAreALoadError() {
        let found = errors([
            ("one.toml", "# first\n[match]\nunit = \"firefox*.scope\"\n"),
            ("two.toml", "[match]\n\nunit = \"*firefox.scope\"\n"),
        ])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/apps.d/two.toml:3: match: profiles \"one\" (/apps.d/one.toml) and \"two\"") == true)
        // Different specificity: no error, the narrower one wins.
        #expect(errors([
            ("one.toml", "[match]\nunit = \"firefox*.scope\"\n"), ("two.toml", "[match]\nunit = \"firefox-1.scope\"\n"),
        ]).isEmpty)
    }

    @Test func directoryLoadReadsOnlyProfileFiles() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        dir.write("nginx.toml", "mode = \"enforce\"\nallow = [\"=backend.example\"]\n[match]\nunit = \"nginx.service\"\n")
        dir.write("README", "not a profile")
        dir.write(".hidden.toml", "garbage = [")
        dir.write("default.toml", "mode = \"learn\"\n")
        let set = try ProfileLoader.load(directory: dir.path, registrable: Self.psl)
        #expect(set.profiles.map(\.name) == ["nginx"])
        #expect(set.profiles.first?.file == "\(dir.path)/nginx.toml")
        #expect(set.defaultProfile.mode == .learn)

        dir.write("broken.toml", "mode = \"nope\"\n[match]\nunit = \"x.service\"\n")
        #expect(throws: ProfileLoadError.self) { try ProfileLoader.load(directory: dir.path, registrable: Self.psl) }
    }

    @Test func missingDirectory() throws {
        #expect(throws: ProfileLoadError.self) {
            try ProfileLoader.load(directory: "/nonexistent/apps.d", registrable: nil)
        }
    }

    @Test func shippedExamplesLoad() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let directory = parts.joined(separator: "/") + "/deploy/apps.d"
        let set = try ProfileLoader.load(directory: directory, registrable: Self.psl)
        #expect(set.profiles.map(\.name) == ["firefox", "nginx", "shop", "spotify"])
        #expect(set.profiles.map(\.mode) == [.blockListed, .enforce, .enforce, .firstParty])
        #expect(set.defaultProfile.mode == .blockListed)
        #expect(set.defaultProfile.lists.map(\.value) == AppProfile.shippedLists)
    }
}
