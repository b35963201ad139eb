import ArgumentParser
import DNSWire
import Foundation
import LogView
import PinholeDaemon
import QueryLog

/// `pinhole log`: queries, newest first, filtered; or `--follow` for live ones from pinholed.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show logged queries, newest first: who asked, what, and what policy did and why.",
        discussion: HelpText.log)

    @OptionGroup var options: QueryLogOptions

    @Option(help: ArgumentHelp("App: key, unit, user unit or executable path.", valueName: "app")) var app: String?
    @Option(help: ArgumentHelp("Process id.", valueName: "pid")) var pid: Int32?
    @Option(help: ArgumentHelp("User name or uid.", valueName: "user")) var user: String?
    @Option(help: ArgumentHelp("Domain pattern (also matches names below it).", valueName: "pattern")) var domain: String?
    @Flag(help: "Only blocked queries.") var blocked = false
    @Flag(help: "Only allowed queries.") var allowed = false
    @Option(help: ArgumentHelp("From this time on.", valueName: "time")) var since: String?
    @Option(help: ArgumentHelp("Before this time.", valueName: "time")) var until: String?
    @Option(help: ArgumentHelp("Record type (A, AAAA, HTTPS, … or a number).", valueName: "type")) var type: String?
    @Option(help: ArgumentHelp("Text in the decision's reason (rule, list, file:line).", valueName: "text")) var rule: String?
    @Option(help: ArgumentHelp("Rows per page.", valueName: "n")) var limit: Int = 50
    @Option(help: ArgumentHelp("Only rows older than this id (the last id of the previous page).", valueName: "id")) var before: Int64?
    @Flag(help: "Stream new queries live from pinholed.") var follow = false
    @Option(help: ArgumentHelp("pinholed's control socket for --follow (default: the config's control.socket).", valueName: "path"))
    var socket: String?

    func validate() throws {
        if blocked && allowed { throw ValidationError("--blocked and --allowed exclude each other") }
        if limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if follow && before != nil { throw ValidationError("--follow shows new queries; --before pages through old ones") }
    }

    func run() async throws {
        do {
            let filter = try makeFilter(now: QueryLogSettings.wallClockMilliseconds())
            if follow { return try await runFollow(filter) }
            let reader = try options.openReader()
            let rows = try reader.entries(filter: filter, limit: limit, before: before).map(LogRecord.init)
            try printPage(rows)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("pinhole log: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The reader's filter from the options.
    func makeFilter(now: Int64) throws -> QueryFilter {
        var filter = QueryFilter(app: app, pid: pid, user: user, rule: rule)
        if let domain {
            do { filter.domain = try DomainPattern(domain) } catch { throw CLIError("--domain \"\(domain)\": \(error)") }
        }
        filter.decision = blocked ? .blocked : allowed ? .allowed : nil
        do {
            filter.since = try since.map { try TimeExpression($0).milliseconds(now: now) }
            filter.until = try until.map { try TimeExpression($0).milliseconds(now: now) }
        } catch {
            throw CLIError("--since/--until \(error)")
        }
        if let type {
            guard let value = DNSMnemonic.typeValue(type) else { throw CLIError("--type \"\(type)\" is not a record type") }
            filter.qtype = value
        }
        return filter
    }

    private func printPage(_ rows: [LogRecord]) throws {
        if options.json {
            for row in rows { print(try QueryLogOutput.jsonLine(row)) }
        } else if options.csv {
            FileHandle.standardOutput.write(Data((CSV.record(QueryLogOutput.csvHeader) + rows.map(QueryLogOutput.csvRecord).joined()).utf8))
        } else {
            let terminal = options.terminal
            if rows.isEmpty { print("no queries match") }
            else { for line in QueryLogOutput.table(rows, terminal: terminal) { print(line) } }
        }
        // Only a full page can have a next one; the hint goes to stderr so exports stay clean.
        if rows.count == limit, let last = rows.last {
            let hint = QueryLogOutput.nextPageHint(lastID: last.id, arguments: Array(CommandLine.arguments.dropFirst(2)))
            FileHandle.standardError.write(Data("\(hint)\n".utf8))
        }
    }

    /// Prints every query pinholed answers from now on that passes the
    /// filter, as it comes (logwire's `ControlSocketClient`; never by polling the file).
    private func runFollow(_ filter: QueryFilter) async throws {
        let stream = try ControlSocketClient(socketPath: try options.socketPath(socket)).follow()
        let terminal = options.terminal
        let layout = QueryLogOutput.followLayout(terminal: terminal)
        if options.csv { print(CSV.record(QueryLogOutput.csvHeader), terminator: "") }
        else if !options.json { print(layout.header) }
        fflush(nil)
        for try await record in stream where filter.matches(record) {
            if options.json {
                print(try QueryLogOutput.jsonLine(record))
            } else if options.csv {
                print(QueryLogOutput.csvRecord(record), terminator: "")
            } else {
                print(QueryLogOutput.styled(layout.table.line(QueryLogOutput.cells(record), widths: layout.widths), record, colour: terminal.colour))
            }
            // Line by line, also into a pipe.
            fflush(nil)
        }
    }
}
