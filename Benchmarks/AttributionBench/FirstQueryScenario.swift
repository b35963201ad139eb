import Attribution
import Glibc
import PinholeCore

/// `first-query`: the first query of a brand-new process while the idle
/// crowd runs. Each round spawns a python3 client, takes the tuple from its
/// datagram, times `attribute` to completion, checks the pid and the
/// socket's cgroup, then kills and reaps the client.
struct FirstQueryScenario {
    /// Where the client's socket is made and where the client lives.
    enum Placement: String, CaseIterable {
        /// In the bench's own cgroup, with the idle crowd.
        case benchCgroup = "bench-cgroup"
        /// In a fresh child cgroup of its own (a desktop app, a service).
        case ownCgroup = "own-cgroup"
        /// Socket made in a fresh child cgroup, then the process moved back
        /// to the bench's cgroup: only the uid-wide search can find it.
        case moved

        var detail: String {
            switch self {
            case .benchCgroup: return "client in the bench's cgroup beside the idle processes"
            case .ownCgroup: return "client in a fresh child cgroup of its own"
            case .moved: return "socket made in a fresh child cgroup, client moved out before the query (uid-wide search)"
            }
        }
    }

    var rounds: Int
    var others: Int
    var placements: [Placement]

    func run(attributor: ProcessAttributor, server: LoopbackServer, mountPoint: String) throws -> [Measurement] {
        let own = try TemporaryCgroup.ownCgroupDirectory(mountPoint: mountPoint)
        let ownID = try CgroupTree.id(ofDirectory: own)
        let leftovers = TemporaryCgroup.removeLeftovers(in: own)
        let timer = TimedAttribution(attributor)
        var results: [Measurement] = []
        var lastPid: pid_t = 0
        for placement in placements {
            var measurement = Measurement(
                name: "first-query \(placement.rawValue)",
                detail: "ProcessAttributor.attribute to completion, first query of a new python3 process, \(others) idle processes; \(placement.detail)",
                goal: placement == .moved ? nil : Goal(p99: 2000), capacity: rounds)
            var synchronous = 0
            var slow: [(Double, String)] = []
            // Round 0 warms (first use of libsystemd, the user database, the cgroup handle) and is not counted.
            for round in 0...rounds {
                let cgroup = placement == .benchCgroup
                    ? nil : try TemporaryCgroup(name: "pinhole-bench-\(getpid())-\(placement.rawValue)-\(round)", in: own)
                let client = try SpawnedProcess([
                    PythonScripts.interpreter, "-c", PythonScripts.firstQuery, "127.0.0.1", "\(server.udpEndpoint.port)",
                    cgroup?.directory ?? "", placement == .moved ? own : "",
                ])
                var source: ClientEndpoint
                repeat {
                    let datagram = try server.receive()
                    source = datagram.source
                    if datagram.payload == "\(client.pid)" { break }
                } while true
                let call = timer.run(AttributionRequest(transport: .udp, client: source, local: server.udpEndpoint))
                client.stop()
                cgroup?.remove()
                if client.pid < lastPid { measurement.notes.append("pids wrapped before round \(round) (pid \(client.pid))") }
                lastPid = client.pid
                guard round > 0 else { continue }
                measurement.add(call.nanoseconds, cpu: call.cpu)
                if call.synchronous { synchronous += 1 }
                let expectedCgroup = cgroup?.id ?? ownID
                if call.attribution.app?.pid != client.pid || call.attribution.socket?.cgroupID != expectedCgroup {
                    measurement.wrong += 1
                    if measurement.wrong <= 3 {
                        measurement.notes.append("round \(round): pid \(client.pid) cgroup \(expectedCgroup) got \(call.attribution)")
                    }
                }
                slow.append((Double(call.nanoseconds) / 1000, "round \(round) pid \(client.pid)"))
            }
            measurement.synchronous = synchronous
            measurement.finish()
            let slowest = slow.sorted { $0.0 > $1.0 }.prefix(3).map { "\(Format.fixed($0.0, 0)) µs (\($0.1))" }
            measurement.notes.append("slowest: " + slowest.joined(separator: ", "))
            if leftovers > 0, results.isEmpty { measurement.notes.append("removed \(leftovers) empty cgroups left by a killed earlier run") }
            results.append(measurement)
        }
        return results
    }
}
