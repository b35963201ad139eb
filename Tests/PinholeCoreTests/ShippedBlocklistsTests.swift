import Foundation
import Testing
@testable import PinholeCore

/// The curated lists in Blocklists/: every entry a normalized domain, no
/// duplicates, every file headed and commented, and nothing in them that
/// would take down a service people need (entries are subtrees by default,
/// so one careless parent name blocks a whole vendor).
@Suite struct ShippedBlocklistsTests {
    /// Header fields every list must carry ("# Field: value" in the leading comment block).
    static let requiredFields = ["List", "Category", "Format", "Covers", "Breaks", "Sources", "Last reviewed"]

    /// The lists the policy issue asks for; more may be added.
    static let expectedLists = ["ads-trackers.txt", "canaries.txt", "doh-resolvers.txt", "telemetry.txt"]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PinholeCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Blocklists")

    static let fileNames: [String] = {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return all.filter { $0.hasSuffix(".txt") }.sorted()
    }()

    static func load(_ name: String) throws -> ShippedList {
        let url = directory.appendingPathComponent(name)
        return ShippedList(text: try String(contentsOf: url, encoding: .utf8))
    }

    @Test func folderHoldsTheExpectedLists() {
        for name in Self.expectedLists {
            #expect(Self.fileNames.contains(name), "Blocklists/\(name) is missing (found \(Self.fileNames))")
        }
    }

    @Test(arguments: fileNames)
    func everyEntryIsANormalizedDomain(name: String) throws {
        let list = try Self.load(name)
        #expect(!list.entries.isEmpty, "\(name) has no entries")
        for entry in list.entries {
            #expect(PolicyName(entry.text)?.text == entry.text,
                    "\(name):\(entry.line): \"\(entry.text)\" is not a lowercase domain in normalized form")
            // A single label would block a whole TLD.
            #expect(entry.text.contains("."), "\(name):\(entry.line): \"\(entry.text)\" is a bare label")
        }
    }

    @Test(arguments: fileNames)
    func noDuplicatesWithinAFile(name: String) throws {
        let list = try Self.load(name)
        var firstLine: [String: Int] = [:]
        for entry in list.entries {
            if let earlier = firstLine[entry.text] {
                Issue.record("\(name):\(entry.line): \"\(entry.text)\" already listed at line \(earlier)")
            } else {
                firstLine[entry.text] = entry.line
            }
        }
    }

    @Test(arguments: fileNames)
    func headerCarriesEveryField(name: String) throws {
        let list = try Self.load(name)
        for field in Self.requiredFields {
            let value = list.header[field] ?? ""
            #expect(!value.isEmpty, "\(name): header lacks \"# \(field): …\" before the first entry")
        }
        let stem = String(name.dropLast(".txt".count))
        #expect(list.header["List"] == stem, "\(name): \"# List:\" should name the file (\(stem))")
        #expect(list.header["Category"] == stem, "\(name): \"# Category:\" should be \(stem)")
        let reviewed = list.header["Last reviewed"] ?? ""
        #expect(reviewed.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil,
                "\(name): \"Last reviewed\" is \"\(reviewed)\", not YYYY-MM-DD")
        #expect(list.header["Format"]?.hasPrefix("plain domains") == true,
                "\(name): shipped lists are plain-domain lists")
    }

    /// Each run of entries sits under a comment that names the product and source.
    @Test(arguments: fileNames)
    func everyGroupOfEntriesIsCommented(name: String) throws {
        let list = try Self.load(name)
        for line in list.uncommentedGroupStarts {
            Issue.record("\(name):\(line): entries with no comment line directly above them")
        }
    }

    /// One name, one reason: a name in two shipped lists would get two explanations.
    @Test func noNameInTwoLists() throws {
        var owner: [String: String] = [:]
        for name in Self.fileNames {
            for entry in try Self.load(name).entries {
                if let other = owner[entry.text] {
                    // Repeats within one file are noDuplicatesWithinAFile's to report.
                    guard other != name else { continue }
                    Issue.record("\(name):\(entry.line): \"\(entry.text)\" is also in \(other)")
                } else {
                    owner[entry.text] = name
                }
            }
        }
    }

    /// Names the default profile must keep resolving: updates, stores, logins,
    /// the vendors' own sites. A subtree entry that covers any of them is a bug.
    static let mustResolve = [
        "google.com", "www.google.com", "accounts.google.com", "www.youtube.com", "clients2.google.com",
        "update.googleapis.com", "dl.google.com", "www.gstatic.com", "fonts.googleapis.com",
        "microsoft.com", "login.microsoftonline.com", "update.code.visualstudio.com",
        "marketplace.visualstudio.com", "github.com", "api.github.com", "windowsupdate.com",
        "mozilla.org", "www.mozilla.org", "addons.mozilla.org", "download.mozilla.org",
        "firefox.settings.services.mozilla.com", "aus5.mozilla.org", "accounts.firefox.com",
        "ubuntu.com", "archive.ubuntu.com", "security.ubuntu.com", "api.snapcraft.io", "launchpad.net",
        "debian.org", "deb.debian.org", "kde.org", "gnome.org", "flathub.org", "dl.flathub.org",
        "apple.com", "www.apple.com", "icloud.com", "www.icloud.com",
        "cloudflare.com", "www.cloudflare.com", "quad9.net", "www.quad9.net",
        "nextdns.io", "my.nextdns.io", "opendns.com", "www.opendns.com", "adguard.com",
        "facebook.com", "www.facebook.com", "twitter.com", "x.com", "linkedin.com", "www.linkedin.com",
        "store.steampowered.com", "steamcommunity.com", "api.steampowered.com",
        "nvidia.com", "www.nvidia.com", "download.nvidia.com",
        "jetbrains.com", "plugins.jetbrains.com", "download.jetbrains.com", "account.jetbrains.com",
        "adobe.com", "www.adobe.com", "amazon.com", "www.amazon.com", "bing.com", "www.bing.com",
        "sentry.io", "golang.org", "proxy.golang.org", "go.dev", "pypi.org", "registry.npmjs.org",
    ]

    @Test func nothingBlocksANameThatMustResolve() throws {
        var covered: [String: String] = [:]
        for name in Self.fileNames {
            for entry in try Self.load(name).entries { covered[entry.text] = "\(name):\(entry.line)" }
        }
        for host in Self.mustResolve {
            let parents = try #require(PolicyName(host)).selfAndParents
            for parent in parents {
                if let source = covered[String(parent)] {
                    Issue.record("\(source): \"\(parent)\" blocks \(host), which must keep resolving")
                }
            }
        }
    }

    /// The canaries pinhole answers NXDOMAIN; resolver.arpa (DDR) is answered
    /// NODATA in code and must not be in a list (a list entry answers NXDOMAIN or null).
    @Test func canariesAreTheKnownOnes() throws {
        let names = Set(try Self.load("canaries.txt").entries.map(\.text))
        for canary in ["use-application-dns.net", "mask.icloud.com", "mask-h2.icloud.com"] {
            #expect(names.contains(canary), "canaries.txt lacks \(canary)")
        }
        #expect(!names.contains("resolver.arpa"), "resolver.arpa is handled in code (NODATA), not listed")
    }

    @Test func doHListHasTheResolversAppsUse() throws {
        let names = Set(try Self.load("doh-resolvers.txt").entries.map(\.text))
        for resolver in ["dns.google", "cloudflare-dns.com", "mozilla.cloudflare-dns.com", "dns.quad9.net",
                         "doh.opendns.com", "dns.nextdns.io"] {
            #expect(names.contains(resolver), "doh-resolvers.txt lacks \(resolver)")
        }
    }

    /// The parser below is the test's own reading of the format, checked here
    /// so a header or group rule cannot pass by being misread.
    @Test func parserReadsHeaderEntriesAndGroups() {
        let list = ShippedList(text: """
            # List: t
            # Category: t
            # Sources:
            #   one, https://a.example/x
            #   two
            #
            # Format: plain domains
            a.example

            # group with a comment
            b.example
            c.example

            d.example
            """)
        #expect(list.header == ["List": "t", "Category": "t", "Sources": "one, https://a.example/x two",
                                "Format": "plain domains"])
        #expect(list.entries.map(\.text) == ["a.example", "b.example", "c.example", "d.example"])
        #expect(list.entries.map(\.line) == [8, 11, 12, 14])
        #expect(list.uncommentedGroupStarts == [14])
    }
}

/// A shipped list as the tests read it: the header fields from the leading
/// comment block, the entries with their 1-based lines, and where a run of
/// entries starts with no comment directly above.
struct ShippedList {
    struct Entry { var line: Int; var text: String }

    var header: [String: String] = [:]
    var entries: [Entry] = []
    var uncommentedGroupStarts: [Int] = []

    init(text: String) {
        var inHeader = true
        var previous: Substring? = nil
        var lastField: String? = nil
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            defer { previous = Substring(line) }
            if line.hasPrefix("#") {
                guard inHeader else { continue }
                let body = line.dropFirst()
                // "#   more text" (indented) continues the field above it.
                if body.hasPrefix("  "), let field = lastField {
                    let more = body.trimmingCharacters(in: .whitespaces)
                    header[field] = [header[field] ?? "", more].filter { !$0.isEmpty }.joined(separator: " ")
                    continue
                }
                lastField = nil
                if let colon = body.firstIndex(of: ":") {
                    let key = body[..<colon].trimmingCharacters(in: .whitespaces)
                    let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    // "Field name: value"; other header prose ("see https://…") has no such key.
                    if !key.isEmpty, key.allSatisfy({ $0.isLetter || $0 == " " }) {
                        header[key] = value
                        lastField = key
                    }
                }
                continue
            }
            if line.isEmpty { continue }
            inHeader = false
            entries.append(Entry(line: index + 1, text: line))
            let follows = previous ?? ""
            if follows.isEmpty { uncommentedGroupStarts.append(index + 1) }
        }
    }
}
