/// Pins the addresses of every allowed answer for the asking app's cgroup
/// before the answer leaves (DESIGN.md step 6): the app connects as soon as
/// it has the answer, so the nftables element must already be there. The
/// pin lasts max(the addresses' TTL, `floorSeconds`).
public struct PinStage: QueryHandler {
    public let pinner: any Pinner
    public let floorSeconds: UInt32
    /// Which apps are governed from their first query on.
    public let governRule: GovernRule
    public let next: any QueryHandler

    public init(pinner: any Pinner, floorSeconds: UInt32 = 3600, governRule: GovernRule = GovernRule(), next: any QueryHandler) {
        self.pinner = pinner
        self.floorSeconds = floorSeconds
        self.governRule = governRule
        self.next = next
    }

    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let pinner = self.pinner
        let floor = floorSeconds
        let rule = governRule
        next.handle(request) { result in
            // Blocked answers and unattributed queries pin nothing (no cgroup to pin for).
            // The root cgroup cannot be governed (nftables matches no socket there): nothing to pin.
            guard let app = request.attribution?.app, case let cgroup = AppCgroup.path(of: app), !cgroup.isEmpty else {
                return respond(result)
            }
            // Governed apps are governed from their first query on (the cgroup
            // watcher may have done it already; a repeat is cheap).
            if let decision = result.decision,
               rule.governs(
                   mode: decision.mode, unprofiled: decision.profile == AppProfile.builtinDefault.name, appCgroup: cgroup,
                   units: [app.unit, app.userUnit]) {
                pinner.govern(cgroupPath: cgroup)
            }
            // Interfaces and static ranges hold whatever the mode; owners need no profile at all.
            pinner.restrict(cgroupPath: cgroup, rules: result.decision?.network ?? .none)
            guard result.decision?.allowed != false else { return respond(result) }
            let facts = result.facts
            guard !facts.addresses.isEmpty else { return respond(result) }
            pinner.pin(facts.addresses, cgroupPath: cgroup, seconds: max(facts.addressTTL ?? 0, floor)) { respond(result) }
        }
    }
}
