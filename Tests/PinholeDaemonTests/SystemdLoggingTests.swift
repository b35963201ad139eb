import Logging
import Testing
@testable import PinholeDaemon

/// `[log] target` and the journal handler's field names and priorities.
@Suite struct SystemdLoggingTests {
    private func parse(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    @Test func targetDefaultsToAuto() throws {
        #expect(try parse("").log.target == .auto)
        #expect(try parse("[log]\ntarget = \"journal\"\n").log.target == .journal)
        #expect(try parse("[log]\ntarget = \"stderr\"\n").log.target == .stderr)
    }

    @Test func badTargetIsAnErrorAtItsLine() {
        do {
            _ = try parse("[log]\nlevel = \"info\"\ntarget = \"syslog\"\n")
            Issue.record("target = \"syslog\" was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("pinhole.toml:3"), "\(text)")
            #expect(text.contains("log.target") && text.contains("\"journal\""), "\(text)")
        }
    }

    @Test func stderrNeverUsesTheJournal() {
        #expect(!DaemonLogging.usesJournal(.stderr, environment: ["JOURNAL_STREAM": "1:1"]))
        // Not our stderr's device:inode (nor a number pair at all): stderr.
        #expect(!DaemonLogging.usesJournal(.auto, environment: ["JOURNAL_STREAM": "0:0"]))
        #expect(!DaemonLogging.usesJournal(.auto, environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!DaemonLogging.usesJournal(.auto, environment: [:]))
    }

    @Test func metadataKeysBecomeValidJournalFieldNames() {
        #expect(JournalLogHandler.fieldName("listen") == "PINHOLE_LISTEN")
        #expect(JournalLogHandler.fieldName("upstreams_from") == "PINHOLE_UPSTREAMS_FROM")
        #expect(JournalLogHandler.fieldName("sl-service") == "PINHOLE_SL_SERVICE")
        #expect(JournalLogHandler.fieldName("2nd.key ü") == "PINHOLE_2ND_KEY__")
        let long = JournalLogHandler.fieldName(String(repeating: "a", count: 100))
        #expect(long.count == 64 && long.allSatisfy { $0.isUppercase || $0 == "_" })
    }

    @Test func levelsMapToSyslogPriorities() {
        #expect(JournalLogHandler.priority(.trace) == 7)
        #expect(JournalLogHandler.priority(.debug) == 7)
        #expect(JournalLogHandler.priority(.info) == 6)
        #expect(JournalLogHandler.priority(.notice) == 5)
        #expect(JournalLogHandler.priority(.warning) == 4)
        #expect(JournalLogHandler.priority(.error) == 3)
        #expect(JournalLogHandler.priority(.critical) == 2)
    }
}
