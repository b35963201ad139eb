import PinholeCore

/// JSON form of a logged query, shared by the control socket's live stream
/// (`{"op":"follow"}`) and the CLI's `--json`: snake_case keys, enums as
/// their text ("allowed", "udp", "no-socket"), addresses as text, absent
/// optionals left out.
extension LoggedQuery: Codable {
    enum CodingKeys: String, CodingKey {
        case id, milliseconds, appKey = "app", pid, uid, userName = "user", executable = "exe",
            executableState = "exe_state", unit, userUnit = "user_unit", slice, cgroupPath = "cgroup",
            flatpakID = "flatpak_id", snapName = "snap_name", commandLine = "command_line", ancestors,
            unattributed, name, registrableDomain = "domain", qtype, rcode, decision, reason, addresses,
            cnameChain = "cname_chain", source, latencyMicroseconds = "latency_us", cached, transport
    }

    private struct Ancestor: Codable {
        var pid: Int32
        var name: String
    }

    public func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(id, forKey: .id)
        try out.encode(milliseconds, forKey: .milliseconds)
        try out.encode(appKey, forKey: .appKey)
        try out.encode(pid, forKey: .pid)
        try out.encodeIfPresent(uid, forKey: .uid)
        try out.encodeIfPresent(userName, forKey: .userName)
        try out.encodeIfPresent(executable, forKey: .executable)
        try out.encodeIfPresent(executableState?.rawValue, forKey: .executableState)
        try out.encodeIfPresent(unit, forKey: .unit)
        try out.encodeIfPresent(userUnit, forKey: .userUnit)
        try out.encodeIfPresent(slice, forKey: .slice)
        try out.encodeIfPresent(cgroupPath, forKey: .cgroupPath)
        try out.encodeIfPresent(flatpakID, forKey: .flatpakID)
        try out.encodeIfPresent(snapName, forKey: .snapName)
        try out.encode(commandLine, forKey: .commandLine)
        try out.encode(ancestors.map { Ancestor(pid: $0.pid, name: $0.name) }, forKey: .ancestors)
        try out.encodeIfPresent(unattributed?.rawValue, forKey: .unattributed)
        try out.encode(name, forKey: .name)
        try out.encode(registrableDomain, forKey: .registrableDomain)
        try out.encode(qtype, forKey: .qtype)
        try out.encode(rcode, forKey: .rcode)
        try out.encode(decision.text, forKey: .decision)
        try out.encodeIfPresent(reason, forKey: .reason)
        try out.encode(addresses.map(\.description), forKey: .addresses)
        try out.encode(cnameChain, forKey: .cnameChain)
        try out.encode(source, forKey: .source)
        try out.encode(latencyMicroseconds, forKey: .latencyMicroseconds)
        try out.encode(cached, forKey: .cached)
        try out.encode(transport.rawValue, forKey: .transport)
    }

    public init(from decoder: any Decoder) throws {
        let input = try decoder.container(keyedBy: CodingKeys.self)
        func parsed<T>(_ key: CodingKeys, _ parse: (String) -> T?) throws -> T? {
            guard let text = try input.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let value = parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: input, debugDescription: "unknown value \"\(text)\"")
            }
            return value
        }
        let addressTexts = try input.decode([String].self, forKey: .addresses)
        var addresses: [IPAddress] = []
        for text in addressTexts {
            guard let address = IPAddress(text) else {
                throw DecodingError.dataCorruptedError(forKey: .addresses, in: input, debugDescription: "not an address: \"\(text)\"")
            }
            addresses.append(address)
        }
        self.init(
            id: try input.decode(Int64.self, forKey: .id), milliseconds: try input.decode(Int64.self, forKey: .milliseconds),
            appKey: try input.decode(String.self, forKey: .appKey), pid: try input.decode(Int32.self, forKey: .pid),
            uid: try input.decodeIfPresent(UInt32.self, forKey: .uid), userName: try input.decodeIfPresent(String.self, forKey: .userName),
            executable: try input.decodeIfPresent(String.self, forKey: .executable),
            executableState: try parsed(.executableState, ExecutableState.init(rawValue:)),
            unit: try input.decodeIfPresent(String.self, forKey: .unit), userUnit: try input.decodeIfPresent(String.self, forKey: .userUnit),
            slice: try input.decodeIfPresent(String.self, forKey: .slice), cgroupPath: try input.decodeIfPresent(String.self, forKey: .cgroupPath),
            flatpakID: try input.decodeIfPresent(String.self, forKey: .flatpakID), snapName: try input.decodeIfPresent(String.self, forKey: .snapName),
            commandLine: try input.decodeIfPresent([String].self, forKey: .commandLine) ?? [],
            ancestors: (try input.decodeIfPresent([Ancestor].self, forKey: .ancestors) ?? []).map { ProcessAncestor(pid: $0.pid, name: $0.name) },
            unattributed: try parsed(.unattributed, UnattributedReason.init(rawValue:)),
            name: try input.decode(String.self, forKey: .name), registrableDomain: try input.decode(String.self, forKey: .registrableDomain),
            qtype: try input.decode(UInt16.self, forKey: .qtype), rcode: try input.decode(UInt16.self, forKey: .rcode),
            decision: try parsed(.decision, Decision.init(text:)) ?? .none, reason: try input.decodeIfPresent(Reason.self, forKey: .reason),
            addresses: addresses, cnameChain: try input.decodeIfPresent([String].self, forKey: .cnameChain) ?? [],
            source: try input.decode(String.self, forKey: .source),
            latencyMicroseconds: try input.decode(Int64.self, forKey: .latencyMicroseconds),
            cached: try input.decode(Bool.self, forKey: .cached),
            transport: try parsed(.transport, ClientTransport.init(rawValue:)) ?? .udp)
    }
}

extension Decision {
    /// "none", "allowed", "blocked".
    public var text: String {
        switch self {
        case .none: "none"
        case .allowed: "allowed"
        case .blocked: "blocked"
        }
    }

    /// Parses `text`.
    public init?(text: String) {
        guard let match = Self.allCases.first(where: { $0.text == text }) else { return nil }
        self = match
    }
}
