import Foundation
import QueryLog

/// `pinhole apps` and `pinhole domains` as tables, JSON lines and CSV.
public enum SummaryOutput {
    /// The apps table: key, unit, exe, first/last seen, queries, blocked %, domains.
    public static func appsTable(_ apps: [AppSummary], terminal: Terminal, timeZone: TimeZone = .current) -> [String] {
        let columns = [
            TextTable.Column("APP", minimumWidth: 10, keepsEndOfPaths: true), TextTable.Column("UNIT", minimumWidth: 6), TextTable.Column("EXE", minimumWidth: 8, keepsEndOfPaths: true),
            TextTable.Column("FIRST SEEN", minimumWidth: 16), TextTable.Column("LAST SEEN", minimumWidth: 16),
            TextTable.Column("QUERIES", minimumWidth: 7, alignRight: true), TextTable.Column("BLOCKED", minimumWidth: 7, alignRight: true),
            TextTable.Column("DOMAINS", minimumWidth: 7, alignRight: true),
        ]
        let rows = apps.map { app in
            [
                app.key, app.userUnit ?? app.unit ?? "-", app.executable ?? "-", TimeText.minutes(app.firstSeen, timeZone: timeZone),
                TimeText.minutes(app.lastSeen, timeZone: timeZone), String(app.queries), percent(app.blockedPercent), String(app.domains),
            ]
        }
        return TextTable(columns: columns, rows: rows).lines(
            width: terminal.width, header: { ANSIStyle.bold.apply($0, enabled: terminal.colour) },
            style: { index, line in apps[index].blocked > 0 ? ANSIStyle.yellow.apply(line, enabled: terminal.colour) : line })
    }

    /// "12.5%".
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }

    /// One app as a JSON object line.
    public static func jsonLine(_ app: AppSummary) throws -> String {
        try encode(AppJSON(
            app: app.key, unit: app.unit, userUnit: app.userUnit, exe: app.executable, firstSeen: RecordTime(app.firstSeen),
            lastSeen: RecordTime(app.lastSeen), queries: app.queries, blocked: app.blocked, blockedPercent: app.blockedPercent, domains: app.domains))
    }

    public static let appsCSVHeader = ["app", "unit", "user_unit", "exe", "first_seen", "last_seen", "queries", "blocked", "blocked_percent", "domains"]

    public static func csvRecord(_ app: AppSummary) -> String {
        CSV.record([
            app.key, app.unit ?? "", app.userUnit ?? "", app.executable ?? "", LogRecord.isoTime(app.firstSeen), LogRecord.isoTime(app.lastSeen),
            String(app.queries), String(app.blocked), String(format: "%.1f", app.blockedPercent), String(app.domains),
        ])
    }

    /// The domains table; `thirdParty` marks domains outside the vendor set (nil: not known).
    public static func domainsTable(_ domains: [DomainSummary], terminal: Terminal, timeZone: TimeZone = .current) -> [String] {
        let columns = [
            TextTable.Column("DOMAIN", minimumWidth: 12, keepsEnd: true), TextTable.Column("QUERIES", minimumWidth: 7, alignRight: true),
            TextTable.Column("BLOCKED", minimumWidth: 7, alignRight: true), TextTable.Column("FIRST SEEN", minimumWidth: 16),
            TextTable.Column("LAST SEEN", minimumWidth: 16),
        ]
        let rows = domains.map { domain in
            [
                domain.domain, String(domain.queries), String(domain.blocked), TimeText.minutes(domain.firstSeen, timeZone: timeZone),
                TimeText.minutes(domain.lastSeen, timeZone: timeZone),
            ]
        }
        return TextTable(columns: columns, rows: rows).lines(
            width: terminal.width, header: { ANSIStyle.bold.apply($0, enabled: terminal.colour) },
            style: { index, line in domains[index].blocked > 0 ? ANSIStyle.red.apply(line, enabled: terminal.colour) : line })
    }

    public static func jsonLine(_ domain: DomainSummary) throws -> String {
        try encode(DomainJSON(
            domain: domain.domain, queries: domain.queries, blocked: domain.blocked, firstSeen: RecordTime(domain.firstSeen),
            lastSeen: RecordTime(domain.lastSeen)))
    }

    public static let domainsCSVHeader = ["domain", "queries", "blocked", "first_seen", "last_seen"]

    public static func csvRecord(_ domain: DomainSummary) -> String {
        CSV.record([
            domain.domain, String(domain.queries), String(domain.blocked), LogRecord.isoTime(domain.firstSeen), LogRecord.isoTime(domain.lastSeen),
        ])
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A time in JSON as ISO text (the ms are in the CSV and in `LogRecord`).
struct RecordTime: Encodable {
    var milliseconds: Int64
    init(_ milliseconds: Int64) { self.milliseconds = milliseconds }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(LogRecord.isoTime(milliseconds))
    }
}

private struct AppJSON: Encodable {
    var app: String
    var unit: String?
    var userUnit: String?
    var exe: String?
    var firstSeen: RecordTime
    var lastSeen: RecordTime
    var queries: Int64
    var blocked: Int64
    var blockedPercent: Double
    var domains: Int
    enum CodingKeys: String, CodingKey {
        case app, unit, userUnit = "user_unit", exe, firstSeen = "first_seen", lastSeen = "last_seen", queries, blocked
        case blockedPercent = "blocked_percent", domains
    }
}

private struct DomainJSON: Encodable {
    var domain: String
    var queries: Int64
    var blocked: Int64
    var firstSeen: RecordTime
    var lastSeen: RecordTime
    enum CodingKeys: String, CodingKey { case domain, queries, blocked, firstSeen = "first_seen", lastSeen = "last_seen" }
}
