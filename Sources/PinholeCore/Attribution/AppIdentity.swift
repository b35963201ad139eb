/// The program behind a query, as the host sees it: everything policy, the
/// log and `pinhole why` need to say *who* asked.
public struct AppIdentity: Sendable, Hashable {
    /// Stable name of the app, used by policy and the log (see `AppKey`).
    public var key: String
    public var pid: Int32
    /// Start time of the process in clock ticks since boot (/proc/PID/stat
    /// field 22); with `pid` it names one process for its whole life.
    public var startTime: UInt64
    /// Path of the executable, without the kernel's " (deleted)" suffix.
    public var executable: String
    public var executableState: ExecutableState
    /// argv; empty for kernel threads and zombies.
    public var commandLine: [String]
    /// Parent, grandparent, … up to and including pid 1.
    public var ancestors: [ProcessAncestor]
    /// Real uid of the process.
    public var uid: UInt32
    /// Name of `uid` in the user database, nil when it has none.
    public var userName: String?
    /// The process's cgroup v2 path ("/system.slice/nginx.service").
    public var cgroupPath: String { didSet { updateAppCgroup() } }
    /// systemd system unit ("nginx.service", "session-3.scope").
    public var unit: String? { didSet { updateAppCgroup() } }
    /// systemd user unit ("app-firefox-1234.scope") when the process runs in a user manager.
    public var userUnit: String? { didSet { updateAppCgroup() } }
    /// The app's cgroup for enforcement (`AppCgroup`), derived from the
    /// three above when they are set: every answer pins for it, and
    /// working it out per query cost 9% of the answering thread.
    public private(set) var appCgroup: String = ""
    /// systemd slice ("system.slice", "user-1000.slice").
    public var slice: String?
    /// Flatpak application id ("org.mozilla.firefox") when the scope is a Flatpak one.
    public var flatpakID: String?
    /// Snap name ("firefox") when the scope is a snap one.
    public var snapName: String?

    public init(
        key: String, pid: Int32, startTime: UInt64, executable: String, executableState: ExecutableState,
        commandLine: [String], ancestors: [ProcessAncestor], uid: UInt32, userName: String?, cgroupPath: String,
        unit: String?, userUnit: String?, slice: String?, flatpakID: String?, snapName: String?
    ) {
        self.key = key
        self.pid = pid
        self.startTime = startTime
        self.executable = executable
        self.executableState = executableState
        self.commandLine = commandLine
        self.ancestors = ancestors
        self.uid = uid
        self.userName = userName
        self.cgroupPath = cgroupPath
        self.unit = unit
        self.userUnit = userUnit
        self.slice = slice
        self.flatpakID = flatpakID
        self.snapName = snapName
        updateAppCgroup()
    }

    private mutating func updateAppCgroup() {
        appCgroup = AppCgroup.derive(cgroupPath: cgroupPath, unit: unit, userUnit: userUnit)
    }
}
