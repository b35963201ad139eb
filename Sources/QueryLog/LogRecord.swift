import DNSWire
import Foundation

/// One query as JSON: what `pinhole log --json` prints (one object a line)
/// and what the control socket's follow stream sends (`{"op":"follow"}`,
/// then one such object a line). Flat, snake_case keys, plain values; nil
/// fields are left out. Only `id`, `ms`, `app`, `name`, `qtype` and
/// `decision` are required when decoding, so a stream may send less.
public struct LogRecord: Codable, Sendable, Hashable {
    public var id: Int64
    /// ms since the epoch.
    public var ms: Int64
    /// ISO 8601, UTC, with milliseconds (for people and spreadsheets; `ms` is the value).
    public var time: String?
    public var app: String
    public var pid: Int32?
    public var uid: UInt32?
    public var user: String?
    public var exe: String?
    public var unit: String?
    public var userUnit: String?
    public var cgroup: String?
    public var cmdline: [String]?
    /// Why no process was found (app `unknown`).
    public var unattributed: String?
    public var name: String
    public var registrable: String?
    /// The type's mnemonic ("A", "AAAA", "TYPE65534").
    public var type: String?
    public var qtype: UInt16
    /// The rcode's mnemonic ("NOERROR", "NXDOMAIN").
    public var rcode: String?
    /// "allowed", "blocked" or "none" (policy did not run).
    public var decision: String
    /// The whole reason ("list entry ||ads.example^ (list ads (…:12))").
    public var reason: String?
    /// "profile deny", "list entry", "mode default", …
    public var reasonKind: String?
    public var profile: String?
    public var mode: String?
    public var rule: String?
    public var file: String?
    public var line: Int?
    public var list: String?
    public var addresses: [String]?
    public var cnames: [String]?
    public var source: String?
    public var latencyUs: Int64?
    public var cached: Bool?
    public var transport: String?
    /// Queries this record stands for (repeats within one batch window
    /// share a row); absent means 1.
    public var count: Int64?
    /// ms since the epoch of the last of them, when `count` > 1.
    public var lastMs: Int64?

    /// `count`, 1 when absent.
    public var queries: Int64 { count ?? 1 }

    enum CodingKeys: String, CodingKey {
        case id, ms, time, app, pid, uid, user, exe, unit, userUnit = "user_unit", cgroup, cmdline, unattributed, name, registrable
        case type, qtype, rcode, decision, reason, reasonKind = "reason_kind", profile, mode, rule, file, line, list, addresses, cnames
        case source, latencyUs = "latency_us", cached, transport, count, lastMs = "last_ms"
    }

    /// The minimal record; the rest is set field by field.
    public init(id: Int64, ms: Int64, app: String, name: String, qtype: UInt16, decision: String) {
        self.id = id
        self.ms = ms
        self.app = app
        self.name = name
        self.qtype = qtype
        self.decision = decision
        self.time = Self.isoTime(ms)
        self.type = DNSMnemonic.type(qtype)
    }

    /// Everything a stored row holds.
    public init(_ query: LoggedQuery) {
        self.init(id: query.id, ms: query.milliseconds, app: query.appKey, name: query.name, qtype: query.qtype, decision: query.decision.word)
        pid = query.pid
        uid = query.uid
        user = query.userName
        exe = query.executable
        unit = query.unit
        userUnit = query.userUnit
        cgroup = query.cgroupPath
        cmdline = query.commandLine.isEmpty ? nil : query.commandLine
        unattributed = query.unattributed?.rawValue
        registrable = query.registrableDomain
        rcode = DNSMnemonic.rcode(query.rcode)
        if let why = query.reason {
            reason = why.text
            reasonKind = why.kind
            profile = why.profile
            mode = why.mode
            rule = why.rule
            file = why.file
            line = why.line
            list = why.list
        }
        addresses = query.addresses.map(\.description)
        cnames = query.cnameChain
        source = query.source
        latencyUs = query.latencyMicroseconds
        cached = query.cached
        transport = query.transport.rawValue
        count = query.count
        lastMs = query.count > 1 ? query.lastMilliseconds : nil
    }

    /// Whether the query was blocked.
    public var isBlocked: Bool { decision == Decision.blocked.word }

    /// `time`, or the ISO form of `ms` when a stream left it out.
    public var isoTime: String { time ?? Self.isoTime(ms) }

    /// "2026-11-26T12:00:00.000Z".
    public static func isoTime(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
    }
}

extension Decision {
    /// "allowed", "blocked", "none": the word the CLI and JSON use.
    public var word: String {
        switch self {
        case .none: return "none"
        case .allowed: return "allowed"
        case .blocked: return "blocked"
        }
    }
}
