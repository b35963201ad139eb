import Foundation
import Glibc
import Testing
import TestSupport

/// The real pinholed logging to a stand-in journald: in a private mount
/// namespace a temporary folder is bound over /run/systemd, so libsystemd's
/// sd_journal_sendv reaches this test's datagram socket at
/// /run/systemd/journal/socket; the datagrams are parsed as journald would.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root for a mount namespace (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct JournalLoggingE2ETests {
    final class Stage {
        let folder: URL
        let profiles: URL
        let journal: UnixDatagramListener
        let daemon: DaemonProcess

        /// - Parameter setup: shell run in pinholed's namespace before it starts (e.g. exports).
        init(target: String?, setup: String = "true") throws {
            if let reason = NamespaceSandbox.unavailableReason { throw TestFailure(reason) }
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-journal-\(UUID().uuidString.prefix(8))")
            profiles = folder.appendingPathComponent("apps.d")
            let fakeRun = folder.appendingPathComponent("run-systemd")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: fakeRun.appendingPathComponent("journal"), withIntermediateDirectories: true)
            journal = try UnixDatagramListener(path: fakeRun.appendingPathComponent("journal/socket").path)
            var config = "[policy]\nprofiles_dir = \"\(profiles.path)\"\nlists_dir = \"\(folder.path)\"\n"
            if let target { config += "[log]\ntarget = \"\(target)\"\n" }
            // unshare and sh exec: the pid stays pinholed's. The bind is only in that namespace.
            daemon = try DaemonProcess(
                upstreams: ["127.0.0.1:9"], configText: config, waitForReady: false,
                launcher: [
                    "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                    "mount --bind \"$0\" /run/systemd && \(setup) && exec \"$@\"", fakeRun.path,
                ])
        }

        deinit {
            // Debug logging at shutdown would fill the socket's queue and block pinholed.
            journal.draining { daemon.stop() }
            try? FileManager.default.removeItem(at: folder)
        }

        /// Journal entries until one satisfies `predicate`.
        func entry(within seconds: Double = 15, where predicate: (JournalEntry) -> Bool) throws -> JournalEntry {
            var seen: [String] = []
            let found = journal.receive(until: seconds) { bytes in
                guard let entry = try? JournalEntry(bytes) else {
                    seen.append("unparsable: \(bytes.count) bytes")
                    return false
                }
                seen.append(entry.description)
                return predicate(entry)
            }
            guard let found else {
                throw TestFailure("no matching journal entry within \(seconds) s; got:\n\(seen.joined(separator: "\n"))\nstderr:\n\(daemon.log)")
            }
            return try JournalEntry(found.match)
        }
    }

    @Test("target = journal: structured entries with PRIORITY, SYSLOG_IDENTIFIER, CODE_* and PINHOLE_<KEY> metadata")
    func structuredFields() throws {
        let stage = try Stage(target: "journal")
        let ready = try stage.entry { $0["MESSAGE"]?.hasSuffix(" ready") == true }
        #expect(ready["SYSLOG_IDENTIFIER"] == "pinholed")
        #expect(ready["PRIORITY"] == "5", "notice is syslog priority 5: \(ready)")
        #expect(ready["CODE_FILE"]?.hasSuffix("Daemon.swift") == true, "\(ready)")
        #expect(ready["CODE_LINE"].flatMap(Int.init) != nil, "\(ready)")
        #expect(ready["CODE_FUNC"]?.isEmpty == false)
        #expect(ready["PINHOLE_LISTEN"] == stage.daemon.endpoint, "\(ready)")
        #expect(ready["PINHOLE_UPSTREAMS_FROM"] == "upstream.servers", "\(ready)")
        #expect(ready["PINHOLE_CACHE_SIZE"] == "10000", "\(ready)")
        #expect(ready["PINHOLE_SOURCE"] == "PinholeDaemon", "\(ready)")
        // The journal has the messages; stderr does not.
        #expect(!stage.daemon.log.contains("ready"), "\(stage.daemon.log)")
    }

    @Test("A message with newlines goes in the binary length-prefixed form and arrives whole")
    func multilineMessage() throws {
        let stage = try Stage(target: "journal")
        _ = try stage.entry { $0["MESSAGE"]?.hasSuffix(" ready") == true }
        // A broken profile: the reload error lists it on a second line.
        try "mode = \"sideways\"\n".write(to: stage.profiles.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        let failed = try stage.entry { $0["MESSAGE"]?.hasPrefix("policy reload failed") == true }
        #expect(failed.binaryFields.contains("MESSAGE"), "\(failed)")
        #expect(failed["MESSAGE"]?.contains("\n") == true)
        #expect(failed["MESSAGE"]?.contains("broken.toml") == true, "\(failed)")
        #expect(failed["PRIORITY"] == "3", "error is syslog priority 3: \(failed)")
    }

    @Test("target = auto: the journal when JOURNAL_STREAM names stderr's device:inode, else stderr")
    func autoDetection() throws {
        // As systemd sets it: stderr's st_dev and st_ino, in decimal.
        let detected = try Stage(target: nil, setup: "export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2)")
        let ready = try detected.entry { $0["MESSAGE"]?.hasSuffix(" ready") == true }
        #expect(ready["SYSLOG_IDENTIFIER"] == "pinholed")
        detected.journal.draining { detected.daemon.stop() }

        // Stale (stderr is not the journal stream): stderr, nothing to the journal.
        let other = try Stage(target: nil, setup: "export JOURNAL_STREAM=1:2")
        try other.daemon.waitForReady()
        #expect(other.journal.receive(timeout: 0.5) == nil, "JOURNAL_STREAM names another file: stderr it is")
        #expect(other.daemon.log.contains("ready"))
    }
}
