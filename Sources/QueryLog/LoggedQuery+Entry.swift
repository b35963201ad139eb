import PinholeCore

extension LoggedQuery {
    /// The row the writer would store for `entry`, built in memory (the
    /// control socket's live stream): `id` 0, fields as `QueryLogReader` returns them.
    public init(entry: QueryLogEntry, milliseconds: Int64, registrableDomain: (String) -> String?) {
        let attribution = entry.attribution
        let identity = StoredIdentity(attribution)
        let app = attribution.app
        let name = StoredName.of(entry)
        let answer = entry.answer
        var reason: Reason?
        if let decision = entry.decision {
            let stored = StoredReason(decision)
            reason = Reason(
                kind: stored.kind, text: stored.text, profile: stored.profile, mode: stored.mode, rule: stored.rule,
                file: stored.file, line: stored.line, list: stored.list)
        }
        let cached: Bool
        switch entry.source {
        case .cache, .stale: cached = true
        default: cached = false
        }
        self.init(
            id: 0, milliseconds: milliseconds, appKey: identity.key, pid: app?.pid ?? 0,
            uid: app.map(\.uid) ?? attribution.socket.map(\.uid), userName: app?.userName,
            executable: app?.executable, executableState: app?.executableState, unit: app?.unit, userUnit: app?.userUnit,
            slice: app?.slice, cgroupPath: app?.cgroupPath, flatpakID: app?.flatpakID, snapName: app?.snapName,
            commandLine: app?.commandLine ?? [], ancestors: app?.ancestors ?? [],
            unattributed: app == nil ? (attribution.reason ?? .disabled) : nil,
            name: name, registrableDomain: registrableDomain(name) ?? name,
            qtype: entry.request.query.question.type, rcode: entry.rcode,
            decision: entry.decision.map { $0.allowed ? .allowed : .blocked } ?? .none, reason: reason,
            addresses: answer.addresses, cnameChain: answer.aliases.map(\.text), source: entry.source.description,
            latencyMicroseconds: Int64(entry.latencyNanoseconds / 1_000), cached: cached, transport: entry.request.transport)
    }
}
