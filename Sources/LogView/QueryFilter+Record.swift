import QueryLog

extension QueryFilter {
    /// Whether a streamed record passes the filter (`--follow` filters on
    /// the client; the daemon sends every query). Mirrors the reader's SQL:
    /// app by key, unit, user unit or executable; user by name or uid;
    /// rule as a substring of the reason.
    public func matches(_ record: LogRecord) -> Bool {
        if let app, ![record.app, record.unit, record.userUnit, record.exe].contains(app) { return false }
        if let pid, record.pid != pid { return false }
        if let user {
            if let uid = UInt32(user) { if record.uid != uid { return false } } else if record.user != user { return false }
        }
        if let domain, !domain.matches(record.name) { return false }
        if let decision, record.decision != decision.word { return false }
        if let since, record.ms < since { return false }
        if let until, record.ms >= until { return false }
        if let qtype, record.qtype != qtype { return false }
        if let rule, !(record.reason ?? "").contains(rule) { return false }
        return true
    }
}
