import Foundation
import Logging
import PinholeCore
import Testing
@testable import PinholeDaemon

/// Profile edits on real files in a temporary folder: what is written, the
/// reload, and the rollback when the reload fails.
@Suite struct PolicyControlTests {
    final class Folder {
        let root: URL
        let profiles: URL
        let lists: URL
        init(_ files: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-edit-\(UUID().uuidString)")
            profiles = root.appendingPathComponent("apps.d")
            lists = root.appendingPathComponent("lists")
            for directory in [profiles, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            for (name, text) in files { try Data(text.utf8).write(to: profiles.appendingPathComponent(name)) }
        }
        deinit { try? FileManager.default.removeItem(at: root) }

        var settings: DaemonConfig.Policy {
            var settings = DaemonConfig.defaults.policy
            settings.profilesDir = profiles.path
            settings.listsDir = lists.path
            return settings
        }

        func control() throws -> PolicyControl {
            let loaded = try PolicyLoader.load(settings)
            return PolicyControl(settings: settings, store: PolicyStore(loaded.policy), initial: loaded, logger: Logger(label: "test"), onReload: {})
        }

        func text(_ name: String) throws -> String { try String(contentsOf: profiles.appendingPathComponent(name), encoding: .utf8) }
    }

    static let shop = "# shop\nmode = \"enforce\"\nallow = [\"a.example\"]  # API\n[match]\nunit = \"shop.service\"\n"
    static let root = PeerCredentials(pid: 1, uid: 0, gid: 0)

    @Test func anAllowIsWrittenAndReloaded() throws {
        let folder = try Folder(["shop.toml": Self.shop])
        let shopPath = folder.profiles.appendingPathComponent("shop.toml").path
        chmod(shopPath, 0o640)
        let control = try folder.control()
        let reply = try #require(control.handle(.init(op: .allow, app: "shop", domain: "b.example"), peer: Self.root) as? ControlEditReply)
        var info = stat()
        #expect(stat(shopPath, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        #expect(reply.changed && reply.line == 3 && reply.reload?.profiles == 1)
        #expect(reply.message == "shop: allowed b.example (\(folder.profiles.path)/shop.toml line 3); reloaded")
        #expect(try folder.text("shop.toml") == Self.shop.replacingOccurrences(of: "\"a.example\"]", with: "\"a.example\", \"b.example\"]"))
        #expect(control.lastLoad.ok && control.lastLoad.profiles == 1)
    }

    @Test func aFailedReloadPutsTheOldBytesBack() throws {
        let folder = try Folder(["shop.toml": Self.shop, "other.toml": "mode = \"learn\"\n[match]\nunit = \"other.service\"\n"])
        let control = try folder.control()
        try "mode = \"nope\"\n[match]\nunit = \"other.service\"\n".write(to: folder.profiles.appendingPathComponent("other.toml"), atomically: true, encoding: .utf8)
        let reply = control.handle(.init(op: .deny, app: "shop", domain: "x.example"), peer: Self.root)
        let error = try #require(reply as? ControlErrorReply)
        #expect(error.error.contains("not kept: the reload failed") && error.error.contains("other.toml:1"), "\(error)")
        #expect(try folder.text("shop.toml") == Self.shop)
        #expect(!control.lastLoad.ok && control.lastLoad.errors.contains { $0.contains("other.toml:1") })
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.profiles.path).sorted() == ["other.toml", "shop.toml"])
    }

    /// A profile owned by someone else (an admin's group-writable file) keeps
    /// its owner, group and mode through an edit and through the rollback.
    @Test(.enabled(if: geteuid() == 0, "chown needs root"))
    func anEditAndARollbackKeepTheOwnerAndGroup() throws {
        let folder = try Folder(["shop.toml": Self.shop, "other.toml": "mode = \"learn\"\n[match]\nunit = \"other.service\"\n"])
        let shopPath = folder.profiles.appendingPathComponent("shop.toml").path
        #expect(chown(shopPath, 4242, 4343) == 0 && chmod(shopPath, 0o664) == 0)
        func owner() -> (uid: uid_t, gid: gid_t, mode: mode_t) {
            var info = stat()
            #expect(stat(shopPath, &info) == 0)
            return (info.st_uid, info.st_gid, info.st_mode & 0o7777)
        }
        let control = try folder.control()
        let edited = control.handle(.init(op: .allow, app: "shop", domain: "b.example"), peer: Self.root)
        #expect((edited as? ControlEditReply)?.changed == true, "\(edited)")
        #expect(owner() == (4242, 4343, 0o664))
        #expect(try folder.text("shop.toml").contains("b.example"))

        try "mode = \"nope\"\n".write(to: folder.profiles.appendingPathComponent("other.toml"), atomically: true, encoding: .utf8)
        let failed = control.handle(.init(op: .deny, app: "shop", domain: "x.example"), peer: Self.root)
        #expect(failed is ControlErrorReply, "\(failed)")
        #expect(!(try folder.text("shop.toml").contains("x.example")))
        #expect(owner() == (4242, 4343, 0o664), "the put-back file keeps the owner too")

        // `pinhole suggest --write --force` replaces it through ProfileInstaller too.
        try ProfileInstaller.install("[match]\nunit = \"shop.service\"\n", name: "shop", directory: folder.profiles.path, overwrite: true)
        #expect(owner() == (4242, 4343, 0o664))
        #expect(try folder.text("shop.toml") == "[match]\nunit = \"shop.service\"\n")
        // A new profile is root's, 0644.
        try ProfileInstaller.install("[match]\nunit = \"new.service\"\n", name: "new", directory: folder.profiles.path, overwrite: true)
        var info = stat()
        #expect(stat(folder.profiles.appendingPathComponent("new.toml").path, &info) == 0)
        #expect(info.st_uid == 0 && info.st_mode & 0o7777 == 0o644)
    }

    @Test func aUnitGetsANewProfileAndOtherNamesAreRefusedWithTheCloseOnes() throws {
        let folder = try Folder(["shop.toml": Self.shop, "shopping.toml": "[match]\nunit = \"s.service\"\n"])
        let control = try folder.control()
        let created = try #require(control.handle(.init(op: .mode, app: "backup.service", mode: "learn"), peer: Self.root) as? ControlEditReply)
        #expect(created.created && created.message.contains("new profile for the unit backup.service"))
        let text = try folder.text("backup.service.toml")
        #expect(text.hasPrefix("# Created by `pinhole allow`") && text.contains("mode = \"learn\"\n") && text.hasSuffix("[match]\nunit = [\"backup.service\"]\n"))
        let refused = try #require(control.handle(.init(op: .allow, app: "shpo", domain: "a.example"), peer: Self.root) as? ControlErrorReply)
        #expect(refused.error.contains("no profile \"shpo\"") && refused.error.contains("close: shop"), "\(refused)")
        let bad = try #require(control.handle(.init(op: .allow, app: "shop", domain: "-bad-.."), peer: Self.root) as? ControlErrorReply)
        #expect(bad.error.contains("not a rule a profile accepts"), "\(bad)")
        let missing = try #require(control.handle(.init(op: .allow, app: "shop", domain: "zz.example", remove: true), peer: Self.root) as? ControlErrorReply)
        #expect(missing.error.contains("zz.example is not in allow"), "\(missing)")
    }

    @Test func aReloadReportsCountsOrErrors() throws {
        let folder = try Folder(["shop.toml": Self.shop])
        let control = try folder.control()
        #expect((control.handle(.init(op: .reload), peer: Self.root) as? ControlReloadReply)?.summary == "1 profile, 0 lists")
        try "mode = 3\n".write(to: folder.profiles.appendingPathComponent("shop.toml"), atomically: true, encoding: .utf8)
        let failed = try #require(control.handle(.init(op: .reload), peer: Self.root) as? ControlErrorReply)
        #expect(failed.error.hasPrefix("reload failed; the running policy stays in force") && failed.error.contains("shop.toml:1"))
    }
}
