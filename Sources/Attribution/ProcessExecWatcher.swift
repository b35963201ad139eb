import CLinux
import Foundation
import Glibc

/// Reports every `execve` on the machine as it happens, from the kernel's
/// process events connector (NETLINK_CONNECTOR, CN_IDX_PROC: a
/// PROC_EVENT_EXEC per exec, carrying the process's tgid), on a thread of
/// its own. Needs CAP_NET_ADMIN before Linux 6.6 (later kernels let
/// anyone subscribe).
///
/// The connector lives in the initial network namespace only: a socket
/// made in another one cannot subscribe (ECONNREFUSED). A pinholed run in
/// another network namespace (a container, the e2e sandbox) may be handed a
/// NETLINK_CONNECTOR socket made outside it, by its descriptor number in
/// `PINHOLE_PROC_CONNECTOR_FD` (`descriptorVariable`).
///
/// Events are delivered after the exec, asynchronously: a program can run
/// a little before its event is handled. Every exec of every process is
/// received (the connector has no filter by cgroup); the handler decides
/// what to read.
public final class ProcessExecWatcher: @unchecked Sendable {
    /// The environment variable naming an inherited connector socket.
    public static let descriptorVariable = "PINHOLE_PROC_CONNECTOR_FD"
    /// The receive buffer asked for: bursts of execs (a build) must not overflow it.
    static let receiveBuffer: Int32 = 4 << 20

    private let fd: Int32
    /// Its thread; `wake` stops it.
    private let runner: WatcherThread
    private var wake: Int32 { runner.wakeDescriptor }
    private let handler: @Sendable ([Int32]) -> Void
    private let overflow: @Sendable () -> Void
    /// Whether the socket came from `descriptorVariable`.
    public let inherited: Bool

    /// Opens (or takes over, from `environment[descriptorVariable]`) a
    /// connector socket, binds it to the process events group and
    /// subscribes.
    /// - Parameters:
    ///   - handler: the tgids of each read's exec events, in order, on the watcher's thread.
    ///   - overflow: called when the kernel dropped events (ENOBUFS: the buffer filled).
    /// - Throws: what failed (socket, bind, subscribe), with errno.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        handler: @escaping @Sendable ([Int32]) -> Void, overflow: @escaping @Sendable () -> Void = {}
    ) throws(ProcessReadError) {
        let fd: Int32
        if let text = environment[Self.descriptorVariable], let given = Int32(text), given >= 0 {
            guard fcntl(given, F_SETFD, FD_CLOEXEC) == 0 else {
                throw ProcessReadError(path: "\(Self.descriptorVariable)=\(text) (not an open descriptor)", errno: errno)
            }
            fd = given
            inherited = true
        } else {
            fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_CONNECTOR)
            guard fd >= 0 else { throw ProcessReadError(path: "socket(AF_NETLINK, NETLINK_CONNECTOR)", errno: errno) }
            inherited = false
        }
        var size = Self.receiveBuffer
        // FORCE passes the rmem_max limit with CAP_NET_ADMIN; else the capped size is still better than the default.
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = UInt32(CN_IDX_PROC)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }
        // An inherited socket may be bound already (EINVAL): its group is what counts, and the send below checks it.
        guard bound == 0 || (inherited && errno == EINVAL) else {
            let code = errno
            close(fd)
            throw ProcessReadError(path: "bind NETLINK_CONNECTOR to CN_IDX_PROC", errno: code)
        }
        do throws(ProcessReadError) {
            try Self.subscribe(fd)
        } catch {
            close(fd)
            throw error
        }
        let runner: WatcherThread
        do throws(ProcessReadError) {
            runner = try WatcherThread(name: "pinhole-execs")
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.runner = runner
        self.handler = handler
        self.overflow = overflow
    }

    /// Sends PROC_CN_MCAST_LISTEN and waits (1 s at most) for the kernel's
    /// answer: a refusal (EPERM without CAP_NET_ADMIN) comes as a message,
    /// not from sendto, and none comes at all when nobody listens.
    private static func subscribe(_ fd: Int32) throws(ProcessReadError) {
        let what = "PROC_CN_MCAST_LISTEN to the process events connector"
        let cookie = UInt32.random(in: 1..<UInt32.max)
        guard pinhole_proc_connector_send(fd, 1, cookie) >= 0 else {
            let code = errno
            throw ProcessReadError(path: what + (code == ECONNREFUSED ? " (not the initial network namespace)" : ""), errno: code)
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { continue }
            var error: Int32 = 0
            let ack = buffer.withUnsafeBytes { pinhole_proc_ack($0.baseAddress, count, &error) }
            guard ack == Int64(cookie &+ 1) else { continue }
            guard error == 0 else { throw ProcessReadError(path: what, errno: error) }
            return
        }
        throw ProcessReadError(kind: .permission, path: what, detail: "no answer within 1 s (before Linux 6.6 it needs CAP_NET_ADMIN)")
    }

    deinit {
        stop()
        _ = pinhole_proc_connector_send(fd, 0, 0)
        close(fd)
    }

    /// Starts the thread that reads events and calls the handler.
    public func start() {
        runner.start { [self] in self.loop() }
    }

    /// Stops the thread (idempotent); the handler is not called after it returns.
    public func stop() {
        runner.stop()
    }

    private func loop() {
        // One datagram per event; a poll wake-up drains what is queued into one batch.
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            var tgids: [Int32] = []
            while tgids.count < 1024 {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if count < 0 {
                    if errno == ENOBUFS {
                        overflow()
                        continue
                    }
                    break
                }
                let tgid = buffer.withUnsafeBytes { pinhole_proc_exec_tgid($0.baseAddress, count) }
                if tgid > 0 { tgids.append(tgid) }
            }
            if !tgids.isEmpty { handler(tgids) }
        }
    }
}
