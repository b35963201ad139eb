import Foundation
import QueryLog

/// How `pinhole log` prints queries: a table fitted to the terminal, JSON
/// lines, or CSV. Pure: the caller writes the text.
public enum QueryLogOutput {
    /// The table's columns: time, app, pid, name, type, via (transport),
    /// decision, reason. VIA is mostly `udp`, so under 100 columns it is the
    /// first thing left out rather than cut names and reasons further.
    static let columns = [
        TextTable.Column("TIME", minimumWidth: .max), TextTable.Column("APP", minimumWidth: 10, weight: 0.9, keepsEndOfPaths: true),
        TextTable.Column("PID", minimumWidth: .max, alignRight: true), TextTable.Column("NAME", minimumWidth: 14, weight: 1.6, keepsEnd: true),
        TextTable.Column("TYPE", minimumWidth: .max), TextTable.Column("VIA", minimumWidth: .max, droppedBelow: 100),
        TextTable.Column("DECISION", minimumWidth: .max),
        TextTable.Column("REASON", minimumWidth: 12, weight: 1.3),
    ]

    /// The CSV header; `csvRecord` gives the fields in this order.
    public static let csvHeader = [
        "id", "time", "app", "pid", "uid", "user", "exe", "unit", "name", "registrable", "type", "rcode", "decision",
        "reason", "profile", "rule", "list", "addresses", "cnames", "source", "latency_us", "cached", "transport", "count",
    ]

    /// The table's lines (header first); blocked rows red, rows policy did not decide dim, when `terminal.colour`.
    public static func table(
        _ records: [LogRecord], terminal: Terminal, timeZone: TimeZone = .current, now: Int64 = QueryLogSettings.wallClockMilliseconds()
    ) -> [String] {
        let table = TextTable(columns: columns, rows: records.map { cells($0, timeZone: timeZone, now: now) })
        return table.lines(
            width: terminal.width, header: { ANSIStyle.bold.apply($0, enabled: terminal.colour) },
            style: { index, line in styled(line, records[index], colour: terminal.colour) })
    }

    /// For `--follow`: widths fixed up front (rows arrive one by one) from
    /// typical cells, fitted to the terminal; the header line with them.
    public static func followLayout(terminal: Terminal) -> (table: TextTable, widths: [Int], header: String) {
        let typical = ["13:00:05", String(repeating: "a", count: 24), "1234567", String(repeating: "n", count: 36), "AAAA", "udp",
                       "blocked", String(repeating: "r", count: 60)]
        let table = TextTable(columns: columns, rows: [typical])
        let widths = table.widths(fitting: terminal.width)
        return (table, widths, ANSIStyle.bold.apply(table.line(columns.map(\.title), widths: widths), enabled: terminal.colour))
    }

    /// One record's cells in the table's column order.
    public static func cells(_ record: LogRecord, timeZone: TimeZone = .current, now: Int64 = QueryLogSettings.wallClockMilliseconds()) -> [String] {
        [
            TimeText.short(record.ms, now: now, timeZone: timeZone), record.app, record.pid.map { $0 == 0 ? "-" : String($0) } ?? "-",
            nameText(record), record.type ?? String(record.qtype), transportText(record), record.decision, reasonText(record),
        ]
    }

    /// The VIA cell: `udp`, `tcp` or `vl` (varlink, kept short so the column
    /// stays 3 wide); `-` for a record without one (a stream from an older pinholed).
    static func transportText(_ record: LogRecord) -> String {
        switch record.transport {
        case nil: return "-"
        case "varlink": return "vl"
        case let other?: return other
        }
    }

    /// The name, with "×N" when the row stands for N > 1 repeats (the
    /// column keeps the end of long names, so the count stays visible).
    static func nameText(_ record: LogRecord) -> String {
        record.queries > 1 ? "\(record.name) ×\(record.queries)" : record.name
    }

    /// `line` in the record's colour: red when blocked, dim when policy did not decide.
    public static func styled(_ line: String, _ record: LogRecord, colour: Bool) -> String {
        switch record.decision {
        case "blocked": return ANSIStyle.red.apply(line, enabled: colour)
        case "none": return ANSIStyle.dim.apply(line, enabled: colour)
        default: return line
        }
    }

    /// What the REASON column shows, short: the list and rule, or the kind
    /// of rule, the rule and the profile, else the policy's whole reason,
    /// else why no process was found (`--json` has the full reason, file and line).
    static func reasonText(_ record: LogRecord) -> String {
        if let list = record.list, let rule = record.rule {
            return record.reasonKind == "list entry" || record.reasonKind == nil ? "list \(list): \(rule)" : "\(record.reasonKind!) \(list): \(rule)"
        }
        if let rule = record.rule, let kind = record.reasonKind { return "\(kind) \(rule)" + (record.profile.map { " (\($0))" } ?? "") }
        if let reason = record.reason, !reason.isEmpty { return reason }
        if let why = record.unattributed { return "unattributed: \(why)" }
        return "-"
    }

    /// One JSON object, no newline; keys sorted so lines diff well.
    public static func jsonLine(_ record: LogRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }

    /// One CSV record (with CRLF) in `csvHeader`'s order; lists joined by spaces.
    public static func csvRecord(_ record: LogRecord) -> String {
        CSV.record([
            String(record.id), record.isoTime, record.app, record.pid.map(String.init) ?? "", record.uid.map(String.init) ?? "",
            record.user ?? "", record.exe ?? "", record.userUnit ?? record.unit ?? "", record.name, record.registrable ?? "",
            record.type ?? String(record.qtype), record.rcode ?? "", record.decision, record.reason ?? "", record.profile ?? "",
            record.rule ?? "", record.list ?? "", (record.addresses ?? []).joined(separator: " "),
            (record.cnames ?? []).joined(separator: " "), record.source ?? "", record.latencyUs.map(String.init) ?? "",
            record.cached.map { $0 ? "true" : "false" } ?? "", record.transport ?? "", String(record.queries),
        ])
    }

    /// The paging hint after a full page: the last id and the command for the next one.
    public static func nextPageHint(lastID: Int64, arguments: [String]) -> String {
        var next: [String] = []
        var skip = false
        for argument in arguments {
            if skip { skip = false; continue }
            if argument == "--before" { skip = true; continue }
            if argument.hasPrefix("--before=") { continue }
            next.append(argument)
        }
        let command = (["pinhole", "log"] + next + ["--before", String(lastID)]).map(shellQuoted).joined(separator: " ")
        return "last id \(lastID); next page: \(command)"
    }

    /// `text` as one shell word.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@,+".contains($0) }
        return safe && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
