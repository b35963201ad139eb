import CSystemd
import Glibc

/// The one Swift wrapper of libsystemd's sd-daemon and sd-journal calls
/// (sd-login is wrapped in Attribution's `SystemdUnits`).
enum Systemd {
    /// Sends `state` ("READY=1\nSTATUS=…") to the service manager's
    /// NOTIFY_SOCKET. False when there is none (not started by systemd) or
    /// the send failed; never throws: readiness is best effort.
    @discardableResult
    static func notify(_ state: String) -> Bool {
        sd_notify(0, state) > 0
    }

    /// The watchdog interval systemd expects pings within (WATCHDOG_USEC,
    /// only when WATCHDOG_PID is unset or this process), nil when off.
    static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    /// Sends one journal entry made of `fields` ("NAME=value", a value may hold
    /// newlines or any bytes: libsystemd picks the binary form for those).
    /// - Returns: 0 or a negative errno.
    @discardableResult
    static func sendJournal(_ fields: [[UInt8]]) -> Int32 {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        buffers.reserveCapacity(fields.count)
        defer { for buffer in buffers { buffer.deallocate() } }
        var items: [iovec] = []
        items.reserveCapacity(fields.count)
        for field in fields {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(field.count, 1), alignment: 1)
            buffer.copyBytes(from: field)
            buffers.append(buffer)
            items.append(iovec(iov_base: buffer.baseAddress, iov_len: field.count))
        }
        return items.withUnsafeBufferPointer { pinhole_journal_sendv($0.baseAddress, Int32($0.count)) }
    }

    /// CLOCK_MONOTONIC in microseconds, what MONOTONIC_USEC= carries.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// Whether stderr is the journal's stream (JOURNAL_STREAM="dev:inode"
    /// equals stderr's device and inode, as systemd.exec(5) says to check), so
    /// logging natively loses nothing and gains the structured fields.
    static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
