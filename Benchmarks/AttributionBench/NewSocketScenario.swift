import Attribution
import PinholeCore

/// `new-socket`: the known holder child opens a fresh UDP socket per query
/// at the same fd number (glibc's resolver: close, socket, connect, send);
/// each query is timed once. The first renewal warms and is not counted.
struct NewSocketScenario {
    var count: Int

    func run(attributor: ProcessAttributor, child: HolderChild, server: LoopbackServer) throws -> Measurement {
        let timer = TimedAttribution(attributor)
        var measurement = Measurement(
            name: "new-socket",
            detail: "ProcessAttributor.attribute to completion, a fresh UDP socket per query at the same fd in the known python3 child",
            capacity: count)
        var synchronous = 0
        var movedFD = 0
        for round in 0...count {
            let renewed = try child.renewSpare(server: server)
            if renewed.fd != child.spareFD { movedFD += 1 }
            let call = timer.run(AttributionRequest(transport: .udp, client: renewed.source, local: server.udpEndpoint))
            guard round > 0 else { continue }
            measurement.add(call.nanoseconds, cpu: call.cpu)
            if call.synchronous { synchronous += 1 }
            if call.attribution.app?.pid != child.pid { measurement.wrong += 1 }
        }
        if movedFD > 0 { measurement.notes.append("\(movedFD) new sockets landed on another fd than \(child.spareFD)") }
        measurement.synchronous = synchronous
        measurement.finish()
        return measurement
    }
}
