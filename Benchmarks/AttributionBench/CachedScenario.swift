import Attribution
import PinholeCore

/// `cached`: the "attribution cost per query, cached identity". A
/// python3 child holds UDP and TCP client sockets; after one warming call
/// per socket, `count` timed calls go round-robin over them. `burst`
/// labels a run whose attributor reuses answers within its window (what
/// pinholed does for a burst from one socket); transports are then UDP only.
struct CachedScenario {
    var count: Int
    var burst = false

    func run(attributor: ProcessAttributor, child: HolderChild, server: LoopbackServer) -> [Measurement] {
        let timer = TimedAttribution(attributor)
        let goal = Goal(p50: 15, p99: 50)
        var results: [Measurement] = []
        for transport in burst ? [ClientTransport.udp] : [.udp, .tcp] {
            let clients = transport == .udp ? child.udpClients : child.tcpClients
            let local = transport == .udp ? server.udpEndpoint : server.tcpEndpoint
            let requests = clients.map { AttributionRequest(transport: transport, client: $0, local: local) }
            var measurement = Measurement(
                name: burst ? "burst \(transport.rawValue) (reuse)" : "cached \(transport.rawValue)",
                detail: "ProcessAttributor.attribute to completion, \(requests.count) \(transport.rawValue.uppercased()) sockets of one python3 child, round-robin, after one warming call each"
                    + (burst ? "; answers reused within 1 ms (pinholed's default)" : "; every call asks sock_diag"),
                goal: burst ? nil : goal, capacity: count)
            for request in requests { _ = timer.run(request) }
            var synchronous = 0
            for index in 0..<count {
                let call = timer.run(requests[index % requests.count])
                measurement.add(call.nanoseconds, cpu: call.cpu)
                if call.synchronous { synchronous += 1 }
                if call.attribution.app?.pid != child.pid { measurement.wrong += 1 }
            }
            measurement.synchronous = synchronous
            measurement.finish()
            results.append(measurement)
        }
        return results
    }
}
