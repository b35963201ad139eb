import PinholeCore
import Testing
@testable import PinholeDaemon

@Suite struct GovernConfigTests {
    @Test func enforceUnprofiledAndExemptAreReadAndOffByDefault() throws {
        #expect(!DaemonConfig.defaults.enforcement.enforceUnprofiled)
        #expect(DaemonConfig.defaults.enforcement.exempt.isEmpty)
        let config = try ConfigLoader.parse(
            "[enforcement]\nenforce_unprofiled = true\nexempt = [\"sshd.service\", \"user@*.service\"]\n", file: "/p.toml")
        #expect(config.enforcement.enforceUnprofiled)
        #expect(config.enforcement.exempt.map(\.pattern) == ["sshd.service", "user@*.service"])
        #expect(config.enforcement.exempt[1].matches("user@1000.service"))
        let summary = try config.summary()
        #expect(summary.contains("enforcement.enforce_unprofiled = true"), "\(summary)")
        #expect(summary.contains("enforcement.exempt = [\"sshd.service\", \"user@*.service\"]"), "\(summary)")
    }

    @Test func aBadExemptListSaysWhereAndWhy() {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[enforcement]\nexempt = \"sshd.service\"\n", file: "/p.toml") }
        do {
            _ = try ConfigLoader.parse("[enforcement]\n\nexempt = [\"ssh[d].service\"]\n", file: "/p.toml")
            Issue.record("a character class was accepted")
        } catch {
            #expect(error.line == 3, "\(error)")
            #expect(error.message.contains("enforcement.exempt") && error.message.contains("character classes"), "\(error.message)")
        }
    }
}
