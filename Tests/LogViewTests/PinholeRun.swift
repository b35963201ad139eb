import Foundation
import TestSupport

/// The built `pinhole` binary run as a child process, stdout and stderr apart.
struct PinholeRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// A `TZ` whose local time now is about noon, so the fixtures (stamped
    /// up to two hours back) fall on today and the tables show the short
    /// time: without it the widths depend on the hour the tests run.
    static var middayTimeZone: String {
        let utcHour = Int(Date().timeIntervalSince1970 / 3_600) % 24
        let offset = 12 - utcHour  // -11…12, inside Etc/GMT's range
        // Etc/GMT's sign is POSIX's: Etc/GMT-5 is five hours east of UTC.
        return offset == 0 ? "Etc/GMT" : "Etc/GMT\(offset > 0 ? "-" : "+")\(abs(offset))"
    }

    /// Runs `pinhole arguments…` with `environment` added to this process's
    /// (and `TZ` set to ``middayTimeZone`` unless `environment` names one).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 30) throws -> PinholeRun {
        let process = Process()
        process.executableURL = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_CLI_BIN")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": middayTimeZone]) { $1 }.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently: a full stderr pipe must not stall the child.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1_000) }
        return PinholeRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData.value, as: UTF8.self))
    }
}

/// Data handed from a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}
