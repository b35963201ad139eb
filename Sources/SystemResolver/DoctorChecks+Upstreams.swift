import PinholeDaemon

extension DoctorChecks {
    /// One finding per upstream pinholed forwards to, from its status: an
    /// upstream that met only failures or timeouts and never answered fails
    /// (every query sent to it waits for the attempt timeout before the next
    /// one is tried, or fails outright when it is the only one).
    public func upstreams(_ status: ControlStatus?) -> [DoctorFinding] {
        let check = "upstreams"
        guard let status else { return [DoctorFinding(check, .skipped, "pinholed is not running, so its upstreams are unknown")] }
        guard let upstreams = status.upstreams else {
            return [DoctorFinding(check, .skipped, "pinholed \(status.version) does not report its upstreams' health")]
        }
        let source = status.upstreamsFrom ?? "upstream.servers or upstream.resolv_conf"
        let edit = source == "upstream.servers" ? "upstream.servers in \(paths.pinholeConfig)" : "the nameserver lines of \(source)"
        guard !upstreams.isEmpty else {
            return [DoctorFinding(check, .failed, "pinholed has no upstream to forward to (from \(source)): every query not answered locally fails",
                fix: "name one: upstream.servers in \(paths.pinholeConfig), or pinhole system-resolver enable to adopt the current ones; then systemctl restart pinholed.service")]
        }
        return upstreams.map { upstream in
            let name = "upstream \(upstream.address)"
            let misses = upstream.failed + upstream.timeouts
            let tally = "\(upstream.answered) answered, \(upstream.failed) failed, \(upstream.timeouts) timed out"
            let last = upstream.lastError.map { " (last error: \($0))" } ?? ""
            let fix = "check that it answers from this machine (\(Self.digCommand(upstream.address))); if it does not, "
                + "replace it in \(edit), then systemctl restart pinholed.service"
            if upstream.answered == 0 && misses > 0 {
                return DoctorFinding(name, .failed, "never answered since pinholed started: \(tally)\(last)", fix: fix)
            }
            if misses > upstream.answered {
                return DoctorFinding(name, .warning, "fails more often than it answers: \(tally)\(last)", fix: fix)
            }
            if upstream.answered == 0 {
                return DoctorFinding(name, .ok, "not asked yet (everything so far came from the cache or was answered locally)")
            }
            let rtt = upstream.rttMilliseconds.map { ", \(Int($0.rounded())) ms round trip" } ?? ""
            return DoctorFinding(name, .ok, "\(tally)\(rtt)")
        }
    }

    /// `dig @9.9.9.9 -p 53 . NS` for "9.9.9.9:53" or "[2620:fe::fe]:53".
    static func digCommand(_ address: String) -> String {
        var host = address
        var port: Substring?
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            if rest.hasPrefix(":") { port = rest.dropFirst() }
        } else if let colon = address.lastIndex(of: ":"), address.firstIndex(of: ":") == colon {
            host = String(address[..<colon])
            port = address[address.index(after: colon)...]
        }
        return "dig @\(host)" + (port.map { $0 == "53" ? "" : " -p \($0)" } ?? "") + " . NS"
    }
}
