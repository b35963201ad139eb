import Foundation
import TestSupport

/// A Unix datagram socket bound at a path, standing in for systemd's notify
/// socket or journald's /run/systemd/journal/socket.
final class UnixDatagramListener: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket(AF_UNIX, SOCK_DGRAM): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw TestFailure("bind \(path): \(message)")
        }
        // Anyone may send (pinholed may run as another user in some tests).
        chmod(path, 0o666)
        var size: Int32 = 4 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: Double) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count >= 0 ? Array(buffer[..<count]) : nil
    }

    /// Runs `body` while a thread reads and drops every datagram: a sender
    /// blocks when the socket's queue is full (as a journal client does when
    /// journald stops reading), so stopping the sender needs this.
    func draining(during body: () -> Void) {
        let done = Locked(false)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [self] in
            while !done.withLock({ $0 }) { _ = receive(timeout: 0.05) }
            finished.signal()
        }
        body()
        done.withLock { $0 = true }
        finished.wait()
    }

    /// Datagrams until one satisfies `predicate` (returned with all before it), or nil at `timeout`.
    func receive(until timeout: Double, where predicate: ([UInt8]) -> Bool) -> (match: [UInt8], before: [[UInt8]])? {
        let deadline = Date().addingTimeInterval(timeout)
        var before: [[UInt8]] = []
        while Date() < deadline {
            guard let datagram = receive(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { continue }
            if predicate(datagram) { return (datagram, before) }
            before.append(datagram)
        }
        return nil
    }
}
