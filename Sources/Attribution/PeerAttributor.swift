import PinholeCore

/// Attributes a Unix-socket peer (a varlink caller) from what the kernel
/// said at connect time: SO_PEERCRED's pid and, where the kernel has it,
/// SO_PEERPIDFD's pidfd, which keeps naming that very process.
///
/// With a pidfd, the pid is confirmed to be the pidfd's process before any
/// /proc file is read and again after (/proc/self/fdinfo/FD's `Pid:`), so a
/// caller that exited and whose pid was reused meanwhile is never read as
/// another program. Without one (kernels before 6.5) the pid is all there
/// is; the start time checks in `ProcessInfoReader` still catch a reuse
/// during the reads.
public struct PeerAttributor: Sendable {
    public var reader: IdentityReader
    /// Where this process's fdinfo lives ("/proc/self/fdinfo"); tests may point elsewhere.
    public var fdinfoDirectory: String

    public init(reader: IdentityReader = IdentityReader(), fdinfoDirectory: String = "/proc/self/fdinfo") {
        self.reader = reader
        self.fdinfoDirectory = fdinfoDirectory
    }

    /// Who the peer `pid` is; `pidfd` is its SO_PEERPIDFD, nil when the
    /// kernel has none. Never a guess: an exited or replaced peer is `unknown`.
    public func attribution(pid: Int32, pidfd: Int32?) -> Attribution {
        guard pid > 0 else { return .unknown(.noSocket) }
        if let pidfd, !stillNames(pidfd, pid) { return .unknown(.exited) }
        let identity: AppIdentity
        do {
            identity = try reader.identity(of: pid)
        } catch {
            return .unknown(error.kind == .permission ? .permission : .exited)
        }
        if let pidfd, !stillNames(pidfd, pid) { return .unknown(.exited) }
        return .attributed(identity, socket: nil)
    }

    /// Whether `pidfd` still refers to a live process whose pid is `pid`
    /// (fdinfo says `Pid: -1` once it exited).
    func stillNames(_ pidfd: Int32, _ pid: Int32) -> Bool {
        guard let pidfdPid = try? Self.pid(fdinfo: ProcFile.read("\(fdinfoDirectory)/\(pidfd)", limit: 4096)) else { return false }
        return pidfdPid == pid
    }

    /// The `Pid:` field of a pidfd's fdinfo text; nil when there is none.
    static func pid(fdinfo: [UInt8]) -> Int32? {
        for line in fdinfo.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Pid:".utf8)) {
            let value = line.dropFirst(4).drop { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") }
            return Int32(String(decoding: value, as: UTF8.self))
        }
        return nil
    }
}
