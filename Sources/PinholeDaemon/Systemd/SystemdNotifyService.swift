import Logging
import NIOCore
import NIOPosix
import Reactor
import ServiceLifecycle
import Synchronization

/// Keeps systemd informed while pinholed runs: a STATUS= line every few
/// seconds, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 when graceful
/// shutdown begins (it is the last service of the group, so it hears first).
///
/// A watchdog ping is sent only when work posted to every answering loop (the
/// UDP reactor, NIO's loops for TCP) has run since the previous ping: a stuck
/// loop stops the pings and systemd restarts the daemon.
struct SystemdNotifyService: Service {
    /// Posts a closure to one answering loop; false when the loop is gone.
    typealias LoopProbe = @Sendable (_ work: @escaping @Sendable () -> Void) -> Bool

    let status: @Sendable () -> String
    let watchdogInterval: Duration?
    let probes: [LoopProbe]
    let logger: Logger
    /// How often STATUS= is refreshed.
    var statusInterval: Duration = .seconds(3)
    /// Sends one notify message (sd_notify; tests collect them instead).
    var send: @Sendable (String) -> Void = { Systemd.notify($0) }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await refreshStatus() }
            if let watchdogInterval {
                logger.info("systemd watchdog on", metadata: ["interval": "\(watchdogInterval)"])
                group.addTask { await pingWatchdog(every: watchdogInterval / 2) }
            }
            try? await gracefulShutdown()
            send(SystemdNotifier.Message.stopping)
            group.cancelAll()
        }
    }

    private func refreshStatus() async {
        var last = ""
        while !Task.isCancelled {
            let text = status()
            if text != last { send(SystemdNotifier.Message.status(text)) }
            last = text
            try? await Task.sleep(for: statusInterval)
        }
    }

    private func pingWatchdog(every period: Duration) async {
        let beats = Heartbeats(count: probes.count)
        var round = 0
        while !Task.isCancelled {
            round += 1
            let posted = round
            for (index, probe) in probes.enumerated() {
                _ = probe { beats.answer(index, round: posted) }
            }
            try? await Task.sleep(for: period)
            if Task.isCancelled { return }
            let late = beats.late(round: posted)
            if late.isEmpty {
                send(SystemdNotifier.Message.watchdog)
            } else {
                logger.error(
                    "an answering loop did not run posted work within \(period); withholding the watchdog ping",
                    metadata: ["loops": "\(late.map(String.init).joined(separator: ","))"])
            }
        }
    }
}

/// The last round each answering loop ran its posted probe in.
private final class Heartbeats: Sendable {
    private let rounds: Mutex<[Int]>

    init(count: Int) {
        rounds = Mutex(Array(repeating: 0, count: count))
    }

    func answer(_ index: Int, round: Int) {
        rounds.withLock { $0[index] = max($0[index], round) }
    }

    /// The loops that have not run the probe of `round` yet.
    func late(round: Int) -> [Int] {
        rounds.withLock { rounds in rounds.indices.filter { rounds[$0] < round } }
    }
}

extension SystemdNotifyService {
    /// Probes for the loops that answer queries: the UDP reactor and each of
    /// NIO's event loops (TCP listeners and connections).
    static func probes(reactor: Reactor, group: MultiThreadedEventLoopGroup) -> [LoopProbe] {
        var probes: [LoopProbe] = [{ work in reactor.execute(work) }]
        for loop in group.makeIterator() {
            probes.append { work in
                loop.execute(work)
                return true
            }
        }
        return probes
    }
}
