import Glibc
import PinholeCore

/// The python3 child of `PythonScripts.holder`: `count` connected UDP
/// sockets and `count` TCP connections to the bench's server, and a spare
/// UDP socket it replaces on command.
final class HolderChild {
    let process: SpawnedProcess
    /// The child's UDP client addresses, as the server saw them.
    private(set) var udpClients: [ClientEndpoint] = []
    /// The child's TCP client addresses, as the server saw them.
    private(set) var tcpClients: [ClientEndpoint] = []
    /// fd number of the spare socket in the child.
    let spareFD: Int
    private var accepted: [Int32] = []

    var pid: pid_t { process.pid }

    init(server: LoopbackServer, count: Int) throws {
        process = try SpawnedProcess(
            [PythonScripts.interpreter, "-c", PythonScripts.holder, "127.0.0.1",
             "\(server.udpEndpoint.port)", "\(server.tcpEndpoint.port)", "\(count)"],
            captureOutput: true)
        for _ in 0..<count {
            let datagram = try server.receive()
            guard datagram.payload == "u" else { throw BenchError("unexpected datagram \"\(datagram.payload)\" from \(datagram.source)") }
            udpClients.append(datagram.source)
        }
        for _ in 0..<count {
            let connection = try server.accept()
            accepted.append(connection.fd)
            tcpClients.append(connection.source)
        }
        let ready = try process.readLine().split(separator: " ")
        guard ready.count == 2, ready[0] == "ready", let spare = Int(ready[1]) else {
            throw BenchError("the holder child (pid \(process.pid)) did not report ready: \(ready)")
        }
        spareFD = spare
    }

    deinit { stop() }

    /// Makes the child replace its spare socket (close, socket, connect,
    /// send); the new socket's address and fd number once its datagram is in.
    func renewSpare(server: LoopbackServer) throws -> (source: ClientEndpoint, fd: Int) {
        try process.send("n\n")
        let datagram = try server.receive()
        guard datagram.payload == "n" else { throw BenchError("unexpected datagram \"\(datagram.payload)\" from \(datagram.source)") }
        guard let fd = Int(try process.readLine()) else { throw BenchError("the holder child printed no fd number") }
        return (datagram.source, fd)
    }

    func stop() {
        process.stop()
        accepted.forEach { close($0) }
        accepted = []
    }
}
