import BenchSupport
import DNSWire
import PinholeCore

/// A realistic mix of queries from a fixed seed: ~200 apps with Zipf-like
/// shares, ~50,000 names over ~10,000 registrable domains with Zipf-like
/// popularity, each app leaning on its own slice of names, 2% of every
/// app's queries to example.com, ~8% blocked.
struct SyntheticLog {
    let apps: [AppIdentity]
    let names: [String]
    let queries: [[DNSQuery]]  // per name: A and AAAA
    private let appCDF: [Double]
    private let nameCDF: [Double]
    private var random: SplitMix64
    private let blocked: PolicyDecision
    private let allowed: PolicyDecision
    /// Names under example.com (indexes into `names`).
    let exampleNames: Range<Int>

    init(apps appCount: Int = 200, names nameCount: Int = 50_000, seed: UInt64 = 42) throws {
        random = SplitMix64(seed: seed)
        var apps: [AppIdentity] = []
        for index in 0..<appCount {
            let unit = index % 3 == 0 ? "app-desktop\(index)-\(1000 + index).scope" : "service\(index).service"
            let key = index % 3 == 0 ? "app-desktop\(index).scope" : unit
            apps.append(AppIdentity(
                key: key, pid: Int32(1000 + index), startTime: UInt64(index), executable: "/usr/bin/program\(index)",
                executableState: .present, commandLine: ["/usr/bin/program\(index)", "--flag"], ancestors: [ProcessAncestor(pid: 1, name: "systemd")],
                uid: index % 3 == 0 ? 1000 : 0, userName: index % 3 == 0 ? "alice" : "root",
                cgroupPath: "/system.slice/\(unit)", unit: index % 3 == 0 ? "user@1000.service" : unit,
                userUnit: index % 3 == 0 ? unit : nil, slice: "system.slice", flatpakID: nil, snapName: nil))
        }
        self.apps = apps
        let tlds = ["com", "net", "org", "io", "de", "co.uk"]
        var names: [String] = []
        exampleNames = 0..<100
        for index in 0..<100 { names.append("h\(index).example.com") }
        var generator = SplitMix64(seed: seed ^ 0xABCD)
        while names.count < nameCount {
            let site = Int(generator.next() % 10_000)
            let labels = ["www", "api", "cdn", "img", "telemetry", "edge\(generator.next() % 50)", "static", "login"]
            names.append("\(labels[Int(generator.next() % UInt64(labels.count))])\(names.count).site\(site).\(tlds[site % tlds.count])")
        }
        self.names = names
        queries = try names.map { name in
            try [DNSType.a, DNSType.aaaa].map { try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: name, type: $0)) }
        }
        appCDF = Self.zipfCDF(appCount, exponent: 1.0)
        nameCDF = Self.zipfCDF(nameCount, exponent: 1.0)
        blocked = PolicyDecision(
            allowed: false, profile: "default", mode: .blockListed,
            reason: .rule(RuleHit(kind: .listBlock, rule: "||telemetry^", source: RuleSource(file: "/etc/pinhole/lists/telemetry.txt", line: 12, list: "telemetry"))),
            reply: .null, considered: [])
        allowed = PolicyDecision(allowed: true, profile: "default", mode: .blockListed, reason: .modeDefault(.blockListed), reply: .null, considered: [])
    }

    /// The next entry.
    mutating func next() -> QueryLogEntry {
        let appIndex = Self.sample(appCDF, random.unit())
        let app = apps[appIndex]
        let nameIndex: Int
        let pick = random.unit()
        if pick < 0.02 {
            nameIndex = exampleNames.lowerBound + Int(random.next() % UInt64(exampleNames.count))
        } else if pick < 0.5 {
            // The app's own slice: 250 names from a per-app offset, Zipf within.
            let rank = Self.sample(nameCDF, random.unit()) % 250
            nameIndex = 100 + (appIndex * 241 + rank) % (names.count - 100)
        } else {
            nameIndex = Self.sample(nameCDF, random.unit())
        }
        let aaaa = random.next() % 3 == 0
        var request = QueryRequest(
            query: queries[nameIndex][aaaa ? 1 : 0], transport: .udp, client: ClientEndpoint(ip: .v4(0x7F00_0001), port: 40000))
        request.attribution = .attributed(app, socket: SocketOwner(uid: app.uid, inode: 1, cgroupID: 1))
        let isBlocked = names[nameIndex].hasPrefix("telemetry") || random.next() % 25 == 0
        let cached = random.next() % 4 != 0
        let last = UInt32(truncatingIfNeeded: random.next() % 250 + 1)
        let facts = isBlocked ? AnswerFacts() : AnswerFacts(addresses: [aaaa ? IPAddress.v6(0x2001_0db8_0000_0000, UInt64(last)) : IPAddress.v4(0xC000_0200 | last)])
        return QueryLogEntry(
            request: request, rcode: 0, source: cached ? .cache : .upstream("192.0.2.53:53"),
            latencyNanoseconds: cached ? 20_000 : 15_000_000 + random.next() % 30_000_000,
            decision: isBlocked ? blocked : allowed, answerFacts: facts)
    }

    /// The `index`th entry of the distinct workload (scripts/bench-querylog-qps.sh's
    /// "distinct"): one app asks for `names` names in turn, A, answered from the
    /// cache, allowed, so no query repeats within a batch window and each is its own row.
    func distinct(_ index: Int, names count: Int) -> QueryLogEntry {
        let slot = index % count
        let app = apps[0]
        // As the QPS bench names them: one zone, so one registrable domain.
        let name = "h\(slot).bench.test"
        // Built per call: a table of 100,000 parsed queries would dwarf what is measured.
        let query = try! DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: name, type: DNSType.a))
        var request = QueryRequest(query: query, transport: .udp, client: ClientEndpoint(ip: .v4(0x7F00_0001), port: 40000))
        request.attribution = .attributed(app, socket: SocketOwner(uid: app.uid, inode: 1, cgroupID: 1))
        return QueryLogEntry(
            request: request, rcode: 0, source: .cache, latencyNanoseconds: 20_000, decision: allowed,
            answerFacts: AnswerFacts(addresses: [IPAddress.v4(0xC000_0200 | UInt32(slot % 250 + 1))]))
    }

    /// The cumulative shares of ranks 1…count under 1/rank^exponent.
    static func zipfCDF(_ count: Int, exponent: Double) -> [Double] {
        var weights = (1...count).map { 1 / pow(Double($0), exponent) }
        let total = weights.reduce(0, +)
        var running = 0.0
        for index in weights.indices {
            running += weights[index] / total
            weights[index] = running
        }
        return weights
    }

    static func sample(_ cdf: [Double], _ unit: Double) -> Int {
        var low = 0
        var high = cdf.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cdf[middle] < unit { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

#if canImport(Glibc)
import Glibc
#endif
