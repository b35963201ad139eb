import BenchSupport
import Foundation
import GRDB
import PinholeCore
import QueryLog

// pinhole-querylog-bench [--rows N] [--rate R] [--seconds S] [--runs K] [--path FILE] [--keep] [--distinct NAMES]
//
// --distinct NAMES loads the writer's worst case instead of the realistic
// mix: one app cycling through NAMES names, so every query is its own row
// (the per-row cost; run it under callgrind with --rows 300000 --seconds 0).
//
// 1. loads N synthetic rows through QueryLogWriter as fast as it takes them
//    (the producer waits while the queue is over half full, so nothing drops):
//    the writer's sustained insert rate;
// 2. reports the database's size per row, by table and index;
// 3. times the CLI's reads (median of K runs);
// 4. feeds R rows/s for S seconds, paced, stamped with the real clock, into a
//    writer on the full database, and reports what it dropped.

var rows = 10_000_000
var rate = 50_000
var seconds = 60
var runs = 7
var path: String?
var keep = false
var distinctNames: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--rows": rows = Int(arguments.popFirst() ?? "") ?? rows
    case "--rate": rate = Int(arguments.popFirst() ?? "") ?? rate
    case "--seconds": seconds = Int(arguments.popFirst() ?? "") ?? seconds
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--path": path = arguments.popFirst()
    case "--keep": keep = true
    case "--distinct": distinctNames = Int(arguments.popFirst() ?? "")
    default:
        print("usage: pinhole-querylog-bench [--rows N] [--rate R] [--seconds S] [--runs K] [--path FILE] [--keep] [--distinct NAMES]")
        exit(argument == "--help" ? 0 : 2)
    }
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("querylog-bench-\(getpid())").path
let database = path ?? directory + "/queries.sqlite"
if path == nil { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
defer { if !keep && path == nil { try? FileManager.default.removeItem(atPath: directory) } }

@Sendable func lastTwoLabels(_ name: String) -> String? {
    let labels = name.split(separator: ".")
    if name.hasSuffix(".co.uk") { return labels.suffix(3).joined(separator: ".") }
    return labels.count <= 2 ? name : labels.suffix(2).joined(separator: ".")
}

func settings() -> QueryLogSettings {
    var settings = QueryLogSettings()
    settings.maxBytes = nil  // the point is to see the size, not to cap it
    settings.onError = { print("query log error: \($0)") }
    return settings
}

var log = try SyntheticLog()
let day: Int64 = 86_400_000
let now = QueryLogSettings.wallClockMilliseconds()
let firstStamp = now - 29 * day

// 1. Load.
print("loading \(rows) rows into \(database) …")
let writer = QueryLogWriter(path: database, settings: settings(), registrableDomain: lastTwoLabels)
var start = BenchClock.now()
var cpuStart = BenchClock.processCPU()
for index in 0..<rows {
    let entry = distinctNames.map { log.distinct(index, names: $0) } ?? log.next()
    // The distinct workload is stamped as if at 50,000 q/s (names come back
    // every few seconds, as in the daemon's run); the mix spreads over 29 days.
    let stamp = distinctNames == nil ? firstStamp + Int64(index) * (29 * day) / Int64(rows) : now - day + Int64(index / 50)
    writer.record(entry, atMilliseconds: stamp)
    if index % 1_000 == 0 {
        while writer.counters.queued > 32_000 { usleep(500) }
    }
    if index % 1_000_000 == 0, index > 0 {
        print("  \(index / 1_000_000)M rows, \(Int(Double(index) / (Double(BenchClock.now() - start) / 1e9))) rows/s")
    }
}
writer.flush(timeout: .seconds(600))
let loadSeconds = Double(BenchClock.now() - start) / 1e9
let loadCPU = Double(BenchClock.processCPU() - cpuStart) / 1e9
// Read before close(): the thread is gone after it.
let writerCPU = Double(ThreadCPU.nanoseconds(named: "pinhole-qlog") ?? 0) / 1e9
writer.close()
let loaded = writer.counters
print("  written \(loaded.written), dropped \(loaded.dropped), failed \(loaded.failed)")
print("  \(Int(Double(loaded.written) / loadSeconds)) rows/s; writer thread \(String(format: "%.2f", writerCPU * 1e6 / Double(max(loaded.written, 1)))) µs CPU per row")

// 2. Size.
func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}
let bytes = fileSize(database) + fileSize(database + "-wal")
let inspect = try DatabaseQueue(path: database)
let breakdown: [(String, Int64)] = try inspect.read { db in
    try Row.fetchAll(db, sql: "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").map { ($0[0], $0[1]) }
}
let rowCount = try inspect.read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM queries") ?? 0 }
try inspect.close()

// 3. Reads.
let reader = try QueryLogReader(path: database)
let appX = log.apps[9].key
let since = try TimeExpression("1d").milliseconds(now: QueryLogSettings.wallClockMilliseconds())
let headline = QueryFilter(app: appX, domain: try DomainPattern("*.example.com"), since: since)
var found = 0
let firstRead = try BenchClock.medianMilliseconds(runs: 1) { found = try reader.entries(filter: headline, limit: 50).count }
let headlineTime = try BenchClock.medianMilliseconds(runs: runs) { _ = try reader.entries(filter: headline, limit: 50) }
var appCount = 0
let appsTime = try BenchClock.medianMilliseconds(runs: runs) { appCount = try reader.apps().count }
var domainCount = 0
let domainsTime = try BenchClock.medianMilliseconds(runs: runs) { domainCount = try reader.domains(app: appX).count }
let domainsWeekTime = try BenchClock.medianMilliseconds(runs: runs) {
    _ = try reader.domains(app: appX, since: QueryLogSettings.wallClockMilliseconds() - 7 * day)
}
let blockedTime = try BenchClock.medianMilliseconds(runs: runs) { _ = try reader.entries(filter: QueryFilter(decision: .blocked), limit: 50) }
let newestTime = try BenchClock.medianMilliseconds(runs: runs) { _ = try reader.entries(limit: 50) }
let hostTime = try BenchClock.medianMilliseconds(runs: runs) {
    _ = try reader.entries(filter: QueryFilter(domain: try DomainPattern("h7.example.com")), limit: 50)
}
var page = try reader.entries(filter: QueryFilter(app: appX), limit: 50)
let pageTime = try BenchClock.medianMilliseconds(runs: runs) {
    page = try reader.entries(filter: QueryFilter(app: appX), limit: 50, before: page.last?.id)
}

// 4. Sustained rate, paced, real clock.
print("feeding \(rate) rows/s for \(seconds) s …")
let sustained = QueryLogWriter(path: database, settings: settings(), registrableDomain: lastTwoLabels)
let tick = 10_000_000 as UInt64  // 10 ms
let perTick = rate / 100
var maxQueued = 0
start = BenchClock.now()
cpuStart = BenchClock.processCPU()
var generated: UInt64 = 0
var producerNanoseconds: UInt64 = 0
for step in 0..<(seconds * 100) {
    let due = start + UInt64(step) * tick
    while BenchClock.now() < due { usleep(200) }
    let before = BenchClock.now()
    for _ in 0..<perTick { sustained.record(log.next()) }
    producerNanoseconds += BenchClock.now() - before
    generated += UInt64(perTick)
    maxQueued = max(maxQueued, sustained.counters.queued)
}
sustained.flush(timeout: .seconds(60))
let feedSeconds = Double(BenchClock.now() - start) / 1e9
let feedCPU = Double(BenchClock.processCPU() - cpuStart) / 1e9
sustained.close()
let fed = sustained.counters

func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
print("""

| measure | result |
| --- | --- |
| rows in the database | \(rowCount) |
| database size (file + WAL) | \(bytes / 1_048_576) MiB |
| bytes per row | \(String(format: "%.1f", Double(bytes) / Double(max(rowCount, 1)))) |
| load through the writer, unpaced (sustained insert rate) | \(Int(Double(loaded.written) / loadSeconds)) rows/s (\(String(format: "%.1f", loadSeconds)) s, process CPU \(String(format: "%.1f", loadCPU)) s incl. generating entries) |
| load: writer thread CPU per row | \(String(format: "%.2f", writerCPU * 1e6 / Double(max(loaded.written, 1)))) µs (\(String(format: "%.1f", writerCPU)) s) |
| load: dropped / failed | \(loaded.dropped) / \(loaded.failed) |
| `log --app \(appX) --domain '*.example.com' --since 1d --limit 50` | \(ms(headlineTime)) median of \(runs) (first \(ms(firstRead)), \(found) rows) |
| `apps()` | \(ms(appsTime)) (\(appCount) apps) |
| `domains(app:)` | \(ms(domainsTime)) (\(domainCount) domains) |
| `domains(app:, since: 7d)` | \(ms(domainsWeekTime)) |
| `log --blocked --limit 50` | \(ms(blockedTime)) |
| `log --limit 50` | \(ms(newestTime)) |
| `log --domain h7.example.com --limit 50` | \(ms(hostTime)) |
| `log --app \(appX)` next page (keyset) | \(ms(pageTime)) |
| \(rate) rows/s for \(seconds) s: written / dropped / failed | \(fed.written) / \(fed.dropped) / \(fed.failed) of \(generated) (\(String(format: "%.1f", feedSeconds)) s) |
| \(rate) rows/s: deepest queue, process CPU | \(maxQueued) entries, \(String(format: "%.0f", feedCPU / feedSeconds * 100))% of a core (producer \(String(format: "%.0f", Double(producerNanoseconds) / 1e9 / feedSeconds * 100))%) |

Size by table and index (dbstat):
""")
for (name, size) in breakdown {
    print("  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", Double(size) / 1_048_576)) MiB  \(String(format: "%6.1f", Double(size) / Double(max(rowCount, 1)))) B/row")
}
