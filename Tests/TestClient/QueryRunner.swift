#if canImport(Glibc)
import Glibc
#endif

/// The client side: sends the queries the options ask for and reports each
/// step as an event line.
struct QueryRunner {
    let options: ClientOptions

    /// Runs the queries; returns the exit status (0 all answered, 2 a timeout).
    func run() throws(ClientError) -> Int32 {
        if let path = options.waitFile { waitForFile(path) }
        var shared: QuerySocket?
        if let path = options.receiveSocket {
            shared = try receiveSocket(path)
        }
        var status: Int32 = 0
        for _ in 0..<options.count {
            let socket: QuerySocket
            if let shared {
                socket = shared
            } else {
                socket = try makeSocket()
                if options.reuseSocket { shared = socket }
            }
            if try !query(through: socket) { status = 2 }
        }
        if options.sleepAfter > 0 { usleep(UInt32(options.sleepAfter * 1_000_000)) }
        return status
    }

    /// `--send-socket`: opens and connects a socket, hands it over, closes its copy.
    func passSocket(to path: String) throws(ClientError) {
        if let waitPath = options.waitFile { waitForFile(waitPath) }
        let socket = try makeSocket()
        try SocketPassing.send(socket.fd, to: path, timeout: max(options.timeout, 10))
        EventLine("passed").with("transport", socket.transport).with("family", socket.family)
            .with("local", socket.local.text).with("path", path).emit()
    }

    /// A new socket connected to the server (unless `--unconnected`).
    private func makeSocket() throws(ClientError) -> QuerySocket {
        let server = try target()
        let socket = try QuerySocket(family: server.family, tcp: options.tcp)
        if !options.unconnected { try socket.connect(to: server) }
        return socket
    }

    /// The server as this client's socket addresses it (mapped for `--dual-stack`).
    private func target() throws(ClientError) -> Endpoint {
        guard let server = options.server else { throw ClientError("--server is required") }
        return options.dualStack ? server.mappedToIPv6 : server
    }

    /// One query; false when it timed out.
    private func query(through socket: QuerySocket) throws(ClientError) -> Bool {
        let id = UInt16.random(in: 0...UInt16.max)
        let message = try DNSMessage.query(id: id, name: options.name, type: options.type)
        try socket.send(message, to: options.unconnected ? target() : nil)
        var sent = EventLine("sent").with("transport", socket.transport).with("family", socket.family)
            .with("local", socket.local.text)
        if let server = options.server { sent = sent.with("server", server.text) }
        sent.with("id", Int(id)).with("name", options.name).with("type", Int(options.type)).emit()
        if options.exitAfterSend { return true }
        guard let reply = try socket.receive(timeout: options.timeout) else {
            EventLine("timeout").with("id", Int(id)).emit()
            return false
        }
        guard let header = DNSMessage.header(of: reply) else {
            throw ClientError("reply of \(reply.count) bytes is shorter than a DNS header")
        }
        EventLine("answer").with("id", Int(header.id)).with("rcode", header.rcode)
            .with("answers", header.answers).with("tc", header.truncated).with("bytes", reply.count).emit()
        return true
    }

    private func receiveSocket(_ path: String) throws(ClientError) -> QuerySocket {
        let listener = try SocketPassing.bind(path)
        defer {
            close(listener)
            unlink(path)
        }
        EventLine("receiving").with("path", path).emit()
        let fd = try SocketPassing.receive(on: listener, timeout: max(options.timeout, 10))
        let socket = try QuerySocket(adopting: fd)
        EventLine("received").with("transport", socket.transport).with("family", socket.family)
            .with("local", socket.local.text).emit()
        return socket
    }

    private func waitForFile(_ path: String) {
        EventLine("waiting").with("path", path).emit()
        while access(path, F_OK) != 0 { usleep(5_000) }
    }
}
