import PinholeCore

/// What /proc says about one process: the raw material of an `AppIdentity`.
public struct ProcessDetails: Sendable, Hashable {
    public var pid: Int32
    /// Field 22 of /proc/PID/stat; with `pid` it names one process.
    public var startTime: UInt64
    /// The kernel's short name.
    public var comm: String
    public var ppid: Int32
    /// Real uid (first value of `Uid:` in /proc/PID/status).
    public var uid: UInt32
    /// Executable path without " (deleted)".
    public var executable: String
    public var executableState: ExecutableState
    /// argv as NUL-separated in /proc/PID/cmdline.
    public var commandLine: [String]
    /// The cgroup v2 path (the `0::` line of /proc/PID/cgroup).
    public var cgroupPath: String
    /// Parent, grandparent, … up to and including pid 1.
    public var ancestors: [ProcessAncestor]

    public init(
        pid: Int32, startTime: UInt64, comm: String, ppid: Int32, uid: UInt32, executable: String,
        executableState: ExecutableState, commandLine: [String], cgroupPath: String, ancestors: [ProcessAncestor]
    ) {
        self.pid = pid
        self.startTime = startTime
        self.comm = comm
        self.ppid = ppid
        self.uid = uid
        self.executable = executable
        self.executableState = executableState
        self.commandLine = commandLine
        self.cgroupPath = cgroupPath
        self.ancestors = ancestors
    }
}
