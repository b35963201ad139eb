import Reactor

/// Closes finished upstream sockets once the reactor's current round is
/// over, so that the client replies queued in that round (sent by the
/// listener's own deferred work, registered earlier) do not wait behind
/// the close system calls.
///
/// Used only on the reactor thread; `@unchecked Sendable` rests on that.
final class DeferredSocketCloser: ReactorDeferredWork, @unchecked Sendable {
    private let reactor: Reactor
    private var sockets: [UDPSocket] = []

    init(reactor: Reactor) {
        self.reactor = reactor
    }

    /// Stops watching `socket` now and closes it at the end of the round.
    func close(_ socket: UDPSocket) {
        reactor.unwatch(socket.descriptor)
        if sockets.isEmpty { reactor.runAfterEvents(self) }
        sockets.append(socket)
    }

    func runAfterEvents() {
        for socket in sockets { socket.close() }
        sockets.removeAll(keepingCapacity: true)
    }
}
