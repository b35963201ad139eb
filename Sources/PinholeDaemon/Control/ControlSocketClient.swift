import Foundation
import QueryLog

#if canImport(Glibc)
import Glibc
#endif

/// The client side of pinholed's control socket (see `ControlProtocol`),
/// for `pinhole log --follow` and `pinhole status`.
public struct ControlSocketClient: Sendable {
    /// Where pinholed listens (`control.socket`).
    public var socketPath: String

    public init(socketPath: String = DaemonConfig.Control.defaultSocket) {
        self.socketPath = socketPath
    }

    /// pinholed's counters.
    /// - Throws: `ControlClientError` (no daemon, permission denied, bad reply).
    public func status() throws(ControlClientError) -> ControlStatus {
        try ask(ControlProtocol.Request(op: .status), as: ControlStatus.self)
    }

    /// Asks pinholed to reload its policy (root or `control.admin_group`).
    /// - Throws: `ControlClientError`; with `fromDaemon` the reload's errors (file:line each).
    public func reload() throws(ControlClientError) -> ControlReloadReply {
        try ask(ControlProtocol.Request(op: .reload), as: ControlReloadReply.self)
    }

    /// Asks pinholed to edit a profile (`allow`, `deny`, `mode` requests) and reload.
    /// - Throws: `ControlClientError`; with `fromDaemon` why the edit was refused or undone.
    public func edit(_ request: ControlProtocol.Request) throws(ControlClientError) -> ControlEditReply {
        try ask(request, as: ControlEditReply.self)
    }

    /// One request, one reply line.
    private func ask<T: Decodable>(_ request: ControlProtocol.Request, as type: T.Type) throws(ControlClientError) -> T {
        let connection = try ControlConnection(path: socketPath)
        defer { connection.close() }
        do {
            try connection.send(request)
        } catch {
            // pinholed refuses a stranger at once and closes: the refusal may
            // already be waiting although the send failed (EPIPE).
            guard let line = try? connection.readLine(), !line.isEmpty else { throw error }
            return try Self.decode(T.self, line, path: socketPath)
        }
        guard let line = try connection.readLine() else { throw ControlClientError(path: socketPath, reason: "pinholed closed the connection without a reply") }
        return try Self.decode(T.self, line, path: socketPath)
    }

    /// Every query pinholed answers from now on, until the stream is
    /// dropped or pinholed goes away (then it finishes without error).
    /// Connecting and the request happen before this returns, so a query
    /// made after it is seen.
    /// - Throws: `ControlClientError` when pinholed cannot be reached.
    public func follow() throws(ControlClientError) -> AsyncThrowingStream<LogRecord, any Error> {
        let connection = try ControlConnection(path: socketPath)
        do {
            try connection.send(ControlProtocol.Request(op: .follow))
        } catch {
            defer { connection.close() }
            if let line = try? connection.readLine(), !line.isEmpty { _ = try Self.decode(LogRecord.self, line, path: socketPath) }
            throw error
        }
        let path = socketPath
        return AsyncThrowingStream { continuation in
            let thread = Thread {
                defer { connection.close() }
                do {
                    while let line = try connection.readLine() {
                        continuation.yield(try Self.decode(LogRecord.self, line, path: path))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.name = "pinhole-follow"
            continuation.onTermination = { _ in connection.interrupt() }
            thread.start()
        }
    }

    /// `line` as `T`, or the error pinholed sent instead.
    static func decode<T: Decodable>(_ type: T.Type, _ line: [UInt8], path: String) throws(ControlClientError) -> T {
        let data = Data(line)
        if let refusal = try? JSONDecoder().decode(ControlErrorReply.self, from: data) {
            throw ControlClientError(path: path, reason: refusal.error, fromDaemon: true)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ControlClientError(path: path, reason: "unreadable reply (\(error)): \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }
}
