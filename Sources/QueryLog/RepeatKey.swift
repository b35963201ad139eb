import PinholeCore

/// What makes two queries of one batch the same row (`queries.count`):
/// the same process lifetime and uid, the name as sent, type, transport,
/// rcode, answer source, decision and reason, and answer (aliases and
/// addresses). Only the time and latency may differ; the row keeps the
/// first time, the span to the last and the slowest latency.
///
/// Built from the entry's own values (no interned ids), so a repeat costs
/// one hash of a few small fields and the name's bytes.
struct RepeatKey: Hashable {
    var process: ProcessKey
    var name: WireName
    var qtype: UInt16
    var rcode: UInt16
    var transport: ClientTransport
    var source: AnswerSource
    /// nil when policy did not run.
    var allowed: Bool?
    var reason: ReasonKey?
    var aliases: [PolicyName]
    var addresses: [IPAddress]

    init(_ entry: borrowing QueryLogEntry, answer: AnswerFacts) {
        process = ProcessKey(of: entry)
        name = WireName(bytes: entry.request.query.question.name)
        qtype = entry.request.query.question.type
        rcode = entry.rcode
        transport = entry.request.transport
        source = entry.source
        allowed = entry.decision?.allowed
        reason = entry.decision.map(ReasonKey.init)
        aliases = answer.aliases
        addresses = answer.addresses
    }

    /// Hashes the cheap fields that tell most queries apart (process, name,
    /// type, rcode); `==` still compares all of them. Hashing the reason's
    /// strings and the answer for every query cost more than the rare
    /// collision of one name with two decisions or answers.
    func hash(into hasher: inout Hasher) {
        hasher.combine(process.pid)
        hasher.combine(process.startTime)
        hasher.combine(name)
        hasher.combine(qtype)
        hasher.combine(rcode)
    }
}
