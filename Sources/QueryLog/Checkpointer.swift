import Foundation
import GRDB

/// Copies the WAL back into the database file every second from its own
/// connection and thread (PASSIVE: never blocks the writer), so the
/// writer's commits never wait for a checkpoint's fsync. The writer keeps
/// a high auto-checkpoint as a fallback should this fall behind.
final class Checkpointer: @unchecked Sendable {
    private let path: String
    private let interval: Double
    private let condition = NSCondition()
    private var stopping = false  // guarded by condition
    private var stopped = false  // guarded by condition
    private var running = false

    init(path: String, interval: Double = 1) {
        self.path = path
        self.interval = interval
    }

    /// Starts the thread (once).
    func start() {
        guard !running else { return }
        running = true
        let thread = Thread { [self] in
            run()
            condition.lock()
            stopped = true
            condition.unlock()
            condition.broadcast()
        }
        thread.start()
    }

    /// Stops the thread and waits for it.
    func stop() {
        guard running else { return }
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
        running = false
    }

    private func run() {
        var configuration = Configuration()
        configuration.label = "pinhole.querylog.checkpointer"
        // The writer holds the write lock for a batch at a time: wait for it rather than fail.
        configuration.busyMode = .timeout(1)
        let connection = try? DatabaseQueue(path: path, configuration: configuration)
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
            let done = stopping
            condition.unlock()
            if done { break }
            // A failed checkpoint is retried next time; the writer's fallback bounds the WAL meanwhile.
            try? connection?.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
        try? connection?.close()
    }
}
