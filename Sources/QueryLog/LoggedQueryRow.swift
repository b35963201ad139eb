import Foundation
import GRDB
import PinholeCore

/// The SELECT behind `LoggedQuery` and its decoding. LEFT JOINs keep
/// `queries` the outer loop, so the filter's index decides the plan.
enum LoggedQueryRow {
    static let select = """
        SELECT q.id, q.qtype, q.rcode, q.decision, q.addresses, q.latency_us, q.flags,
            a.key, p.pid, p.uid, p.user_name, p.command_line, p.ancestors,
            i.exe, i.exe_state, i.unit, i.user_unit, i.slice, i.cgroup, i.flatpak_id, i.snap_name, i.unattributed,
            n.name, d.domain, r.kind, r.text, r.profile, r.mode, r.rule, r.file, r.line, r.list, c.chain, s.source,
            q.count, q.span_ms
        FROM queries q
        LEFT JOIN apps a ON a.id = q.app_id
        LEFT JOIN processes p ON p.id = q.process_id
        LEFT JOIN identities i ON i.id = p.identity_id
        LEFT JOIN names n ON n.id = q.name_id
        LEFT JOIN domains d ON d.id = q.domain_id
        LEFT JOIN reasons r ON r.id = q.reason_id
        LEFT JOIN chains c ON c.id = q.chain_id
        LEFT JOIN sources s ON s.id = q.source_id
        """

    static func decode(_ row: Row) -> LoggedQuery {
        let id: Int64 = row[0]
        let flags: Int64 = row[6]
        let uid: Int64? = row[9]
        let blob: Data? = row[4]
        var reason: LoggedQuery.Reason?
        if let kind: String = row[24] {
            reason = LoggedQuery.Reason(kind: kind, text: row[25], profile: row[26], mode: row[27], rule: row[28], file: row[29], line: row[30], list: row[31])
        }
        let chain: String? = row[32]
        let exe: String? = row[13]
        let exeState: String? = row[14]
        let unattributed: String? = row[21]
        let span: Int64? = row[35]
        return LoggedQuery(
            id: id, milliseconds: QueryID.milliseconds(of: id), appKey: row[7] ?? "?",
            pid: Int32(truncatingIfNeeded: row[8] as Int64? ?? 0),
            uid: uid.flatMap { $0 < 0 ? nil : UInt32(truncatingIfNeeded: $0) }, userName: row[10],
            executable: exe?.nonEmpty, executableState: exeState.flatMap(ExecutableState.init(rawValue:)),
            unit: (row[15] as String?)?.nonEmpty, userUnit: (row[16] as String?)?.nonEmpty, slice: (row[17] as String?)?.nonEmpty,
            cgroupPath: (row[18] as String?)?.nonEmpty, flatpakID: (row[19] as String?)?.nonEmpty, snapName: (row[20] as String?)?.nonEmpty,
            commandLine: ProcessText.decodeCommandLine(row[11] ?? "[]"), ancestors: ProcessText.decodeAncestors(row[12] ?? "[]"),
            unattributed: unattributed.flatMap(UnattributedReason.init(rawValue:)),
            name: row[22] ?? "?", registrableDomain: row[23] ?? "?",
            qtype: UInt16(truncatingIfNeeded: row[1] as Int64), rcode: UInt16(truncatingIfNeeded: row[2] as Int64),
            decision: Decision(rawValue: row[3]) ?? .none, reason: reason,
            addresses: AddressBlob.decode(blob.map { Array($0) }), cnameChain: chain.map { $0.split(separator: " ").map(String.init) } ?? [],
            source: row[33] ?? "?", latencyMicroseconds: row[5], cached: flags & QueryFlags.cached != 0,
            transport: QueryFlags.transport(of: flags), count: row[34], spanMilliseconds: span ?? 0)
    }
}
