import Foundation
import LogView
import QueryLog
import Testing
import TestSupport

/// The built `pinhole` binary as a process against a real database (filled
/// through `QueryLogWriter`), as a person would run it.
@Suite struct PinholeBinaryTests {
    /// The issue's question in one command: what did app X look up in the
    /// last hour, and what was blocked and why.
    @Test func lastHourOfOneAppWithDecisionAndReason() throws {
        let scratch = ScratchDirectory()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let run = try PinholeRun.run(["log", "--db", scratch.database, "--app", "curl-job.service", "--since", "1h"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(run.stdout)")  // header + 3 (the 2-hour-old query and the other app left out)
        #expect(lines[0].hasPrefix("TIME") && lines[0].contains("DECISION") && lines[0].contains("REASON"))
        #expect(!lines[0].contains("VIA"), "under 100 columns the transport is left out first: \(lines[0])")
        // 80 columns: the name keeps its end, the reason its start.
        #expect(lines[1].contains("example.net  ") && lines[1].contains("blocked") && lines[1].contains("list ads: trac"), "\(run.stdout)")
        #expect(lines[2].contains("www.example.com") && lines[2].contains("allowed"))
        #expect(!run.stdout.contains("old.example.org") && !run.stdout.contains("repo.backup.test"))
        #expect(!run.stdout.contains("\u{1B}"))  // piped: no colour
        for line in lines { #expect(line.count <= 80) }
    }

    /// On a terminal (a pty from util-linux `script`): its width and colour;
    /// `NO_COLOR` turns colour off there too.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script for a pty"))
    func terminalWidthAndColour() throws {
        let scratch = ScratchDirectory()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let binary = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_CLI_BIN").path
        func onTerminal(columns: Int, environment: [String: String] = [:]) throws -> String {
            let command = "stty cols \(columns); \(binary) log --db \(scratch.database) --app curl-job.service"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
            process.environment = ProcessInfo.processInfo.environment.merging(["TZ": PinholeRun.middayTimeZone]) { $1 }
                .merging(environment) { $1 }.filter { $0.key != "NO_COLOR" || environment[$0.key] != nil }
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let coloured = try onTerminal(columns: 140)
        #expect(coloured.contains("\u{1B}[31m") && coloured.contains("tracker.example.net"), "\(coloured)")
        // 140 columns: the whole short reason fits.
        #expect(coloured.contains("list ads: tracker.example.net"))
        #expect(coloured.contains("TYPE  VIA  DECISION") && coloured.contains("A     udp  "), "the transport column: \(coloured)")
        let narrow = try onTerminal(columns: 60)
        let rows = narrow.components(separatedBy: "\r\n").map { $0.replacingOccurrences(of: "\u{1B}[0m", with: "").replacingOccurrences(of: "\u{1B}[31m", with: "").replacingOccurrences(of: "\u{1B}[1m", with: "") }
        #expect(rows.contains { $0.hasPrefix("TIME") })
        for row in rows { #expect(row.count <= 72, "\(row)") }  // the never-cut columns and minimums: 70 at most
        let plain = try onTerminal(columns: 140, environment: ["NO_COLOR": "1"])
        #expect(!plain.contains("\u{1B}[") && plain.contains("tracker.example.net"), "\(plain)")
    }

    @Test func jsonCsvPagingAndFilters() throws {
        let scratch = ScratchDirectory()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let json = try PinholeRun.run(["log", "--db", scratch.database, "--blocked", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let records = try json.stdout.split(separator: "\n").map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.name) == ["tracker.example.net"])
        #expect(records[0].list == "ads" && records[0].exe == "/usr/bin/curl" && records[0].pid == 4242)

        let csv = try PinholeRun.run(["log", "--db", scratch.database, "--csv", "--domain", "*.example.com", "--type", "AAAA"])
        #expect(csv.stdout.hasPrefix("id,time,app,pid,"))
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2, "\(csv.stdout)")
        #expect(csv.stdout.contains(",www.example.com,example.com,AAAA,"))

        let first = try PinholeRun.run(["log", "--db", scratch.database, "--limit", "2", "--json"])
        let page = try first.stdout.split(separator: "\n").map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
        #expect(page.count == 2)
        #expect(first.stderr.contains("next page: pinhole log --db \(scratch.database) --limit 2 --json --before \(page[1].id)"))
        let second = try PinholeRun.run(["log", "--db", scratch.database, "--limit", "2", "--json", "--before", String(page[1].id)])
        let next = try second.stdout.split(separator: "\n").map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
        #expect(next.count == 2 && next[0].id < page[1].id)

        let byUser = try PinholeRun.run(["log", "--db", scratch.database, "--user", "root", "--json"])
        #expect(byUser.stdout.split(separator: "\n").count == 1 && byUser.stdout.contains("repo.backup.test"))
        let badTime = try PinholeRun.run(["log", "--db", scratch.database, "--since", "last tuesday"])
        #expect(badTime.status != 0 && badTime.stderr.contains("expected a duration"))
    }

    @Test func missingDatabaseSaysWhatToDo() throws {
        let scratch = ScratchDirectory()
        let run = try PinholeRun.run(["log", "--db", scratch.path + "/none.sqlite"])
        #expect(run.status == 1)
        #expect(run.stderr.contains(scratch.path + "/none.sqlite") && run.stderr.contains("--db"))
    }

    @Test func appsAndDomainsCommands() throws {
        let scratch = ScratchDirectory()
        try scratch.writePolicy()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let apps = try PinholeRun.run(["apps", "--db", scratch.database, "--csv"])
        #expect(apps.status == 0, "\(apps.stderr)")
        #expect(apps.stdout.contains("curl-job.service,curl-job.service,,/usr/bin/curl,"))
        #expect(apps.stdout.contains(",4,1,25.0,3\r\n"))
        let domains = try PinholeRun.run(["domains", "--db", scratch.database, "--app", "curl-job.service", "--since", "1h", "--json"])
        #expect(domains.status == 0, "\(domains.stderr)")
        #expect(domains.stdout.split(separator: "\n").count == 2)  // example.com, example.net; example.org is older
        // A profile with vendor example.com: --third-party leaves it out.
        try """
            mode = "first-party"
            vendor = ["example.com"]
            [match]
            unit = "curl-job.service"
            """.write(toFile: scratch.profiles + "/curl.toml", atomically: true, encoding: .utf8)
        let third = try PinholeRun.run(["domains", "--db", scratch.database, "--config", scratch.config, "--app", "curl-job.service", "--third-party"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdout.contains("example.net") && third.stdout.contains("example.org"))
        #expect(!third.stdout.contains("example.com"))
    }

    @Test func suggestWritesAProfileOnceAndReloads() throws {
        let scratch = ScratchDirectory()
        try scratch.writePolicy()
        try LogViewFixtures.fill(scratch.database, now: LogViewFixtures.now)
        let printed = try PinholeRun.run(["suggest", "--db", scratch.database, "--config", scratch.config, "--app", "curl-job.service"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("\"example.com\",") && printed.stdout.contains("# LISTED: ads-trackers (ads)"))

        // The reload is asked for over the control socket.
        let control = try FakeControlSocket(
            path: scratch.path + "/control.sock", lines: [#"{"lists":["ads"],"profiles":2,"warnings":[]}"#], pid: getpid())
        let arguments = ["suggest", "--db", scratch.database, "--config", scratch.config, "--app", "curl-job.service", "--write",
                         "--socket", control.path]
        let written = try PinholeRun.run(arguments)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("wrote \(scratch.profiles)/curl-job.toml"))
        #expect(written.stdout.contains("pinholed reloaded: 2 profiles, 1 list (ads)"), "\(written.stdout)")
        #expect(control.requests == ["{\"op\":\"reload\"}"])
        #expect(try String(contentsOfFile: scratch.profiles + "/curl-job.toml", encoding: .utf8) == printed.stdout)

        let again = try PinholeRun.run(arguments)
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists") && again.stderr.contains("--force"))
        let forced = try PinholeRun.run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("run `pinhole reload` as root"))  // the fake socket is gone after one connection
    }

    @Test func followStreamsFromTheControlSocket() throws {
        let scratch = ScratchDirectory()
        var allowed = LogRecord(id: 10, ms: LogViewFixtures.now, app: "curl-job.service", name: "live.example.com", qtype: 1, decision: "allowed")
        allowed.reason = "mode learn default"
        var blocked = LogRecord(id: 11, ms: LogViewFixtures.now, app: "other.service", name: "ads.example.net", qtype: 1, decision: "blocked")
        blocked.reason = "list entry ads.example.net"
        let control = try FakeControlSocket(
            path: scratch.path + "/control.sock", lines: [try QueryLogOutput.jsonLine(allowed), try QueryLogOutput.jsonLine(blocked)])
        let run = try PinholeRun.run(["log", "--follow", "--socket", control.path, "--app", "curl-job.service", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(control.requests == ["{\"op\":\"follow\"}"])
        let records = try run.stdout.split(separator: "\n").map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
        #expect(records.map(\.name) == ["live.example.com"])  // the filter applies to the stream

        let none = try PinholeRun.run(["log", "--follow", "--socket", scratch.path + "/absent.sock"])
        #expect(none.status == 1 && none.stderr.contains("absent.sock") && none.stderr.contains("is pinholed running?"))
    }
}
