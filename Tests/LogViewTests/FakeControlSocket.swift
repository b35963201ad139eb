import Foundation

/// A stand-in for pinholed's control socket speaking the documented
/// protocol: reads one request line; for `follow` sends `lines` (one JSON
/// object each) and closes; for `status` sends `{"pid":…}`. Records the requests.
final class FakeControlSocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let seen: LockedStrings
    private let thread: Thread

    init(path: String, lines: [String], pid: Int32 = 0, connections: Int = 1) throws {
        self.path = path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else {
            close(listener)
            throw POSIXError(.EADDRINUSE)
        }
        fd = listener
        let seen = LockedStrings()
        self.seen = seen
        thread = Thread {
            for _ in 0..<connections {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                var request: [UInt8] = []
                var byte: UInt8 = 0
                while recv(client, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") { request.append(byte) }
                let text = String(decoding: request, as: UTF8.self)
                seen.append(text)
                let reply = text.contains("status") ? Self.status(pid: pid) + "\n" : lines.map { $0 + "\n" }.joined()
                _ = reply.utf8CString.withUnsafeBytes { send(client, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
            // Served: later connects are refused, as with no daemon.
            shutdown(listener, Int32(SHUT_RDWR))
        }
        thread.start()
    }

    /// A `ControlStatus` line as pinholed sends it.
    static func status(pid: Int32) -> String {
        #"{"follow_dropped":0,"followers":0,"log":{"dropped":0,"enabled":true,"failed":0,"ignored":0,"path":"/x","pruned":0,"queued":0,"written":0},"pid":"#
            + "\(pid)" + #","queries":0,"uptime_seconds":1,"version":"test"}"#
    }

    /// The request lines received so far.
    var requests: [String] { seen.all }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }
}

/// Strings appended from another thread.
final class LockedStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
