/// The program behind a query, as the host sees it: everything policy, the
/// log and `pinhole why` need to say *who* asked.
///
/// A value type over one shared, copy-on-write storage object: a query's
/// request is copied through every stage and into the query log, and each
/// copy of twelve separate strings and arrays retained (and the log's
/// writer thread released) each of them; one reference costs one retain,
/// and only one cache line bounces between the answering and writer cores.
public struct AppIdentity: Sendable, Hashable {
    private final class Storage: @unchecked Sendable {
        // Mutated only through `mutableStorage`, i.e. while uniquely referenced.
        var key: String
        var pid: Int32
        var startTime: UInt64
        var executable: String
        var executableState: ExecutableState
        var commandLine: [String]
        var ancestors: [ProcessAncestor]
        var uid: UInt32
        var userName: String?
        var cgroupPath: String
        var unit: String?
        var userUnit: String?
        var appCgroup = ""
        var slice: String?
        var flatpakID: String?
        var snapName: String?

        init(
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
        }

        func copy() -> Storage {
            let copy = Storage(
                key: key, pid: pid, startTime: startTime, executable: executable, executableState: executableState,
                commandLine: commandLine, ancestors: ancestors, uid: uid, userName: userName, cgroupPath: cgroupPath,
                unit: unit, userUnit: userUnit, slice: slice, flatpakID: flatpakID, snapName: snapName)
            copy.appCgroup = appCgroup
            return copy
        }
    }

    private var storage: Storage

    /// The storage, copied first when shared (copy on write).
    private var mutableStorage: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// Stable name of the app, used by policy and the log (see `AppKey`).
    public var key: String {
        get { storage.key }
        set { mutableStorage.key = newValue }
    }
    public var pid: Int32 {
        get { storage.pid }
        set { mutableStorage.pid = newValue }
    }
    /// Start time of the process in clock ticks since boot (/proc/PID/stat
    /// field 22); with `pid` it names one process for its whole life.
    public var startTime: UInt64 {
        get { storage.startTime }
        set { mutableStorage.startTime = newValue }
    }
    /// Path of the executable, without the kernel's " (deleted)" suffix.
    public var executable: String {
        get { storage.executable }
        set { mutableStorage.executable = newValue }
    }
    public var executableState: ExecutableState {
        get { storage.executableState }
        set { mutableStorage.executableState = newValue }
    }
    /// argv; empty for kernel threads and zombies.
    public var commandLine: [String] {
        get { storage.commandLine }
        set { mutableStorage.commandLine = newValue }
    }
    /// Parent, grandparent, … up to and including pid 1.
    public var ancestors: [ProcessAncestor] {
        get { storage.ancestors }
        set { mutableStorage.ancestors = newValue }
    }
    /// Real uid of the process.
    public var uid: UInt32 {
        get { storage.uid }
        set { mutableStorage.uid = newValue }
    }
    /// Name of `uid` in the user database, nil when it has none.
    public var userName: String? {
        get { storage.userName }
        set { mutableStorage.userName = newValue }
    }
    /// The process's cgroup v2 path ("/system.slice/nginx.service").
    public var cgroupPath: String {
        get { storage.cgroupPath }
        set {
            mutableStorage.cgroupPath = newValue
            updateAppCgroup()
        }
    }
    /// systemd system unit ("nginx.service", "session-3.scope").
    public var unit: String? {
        get { storage.unit }
        set {
            mutableStorage.unit = newValue
            updateAppCgroup()
        }
    }
    /// systemd user unit ("app-firefox-1234.scope") when the process runs in a user manager.
    public var userUnit: String? {
        get { storage.userUnit }
        set {
            mutableStorage.userUnit = newValue
            updateAppCgroup()
        }
    }
    /// The app's cgroup for enforcement (`AppCgroup`), derived from the
    /// three above when they are set: every answer pins for it, and
    /// working it out per query cost 9% of the answering thread.
    public var appCgroup: String { storage.appCgroup }
    /// systemd slice ("system.slice", "user-1000.slice").
    public var slice: String? {
        get { storage.slice }
        set { mutableStorage.slice = newValue }
    }
    /// Flatpak application id ("org.mozilla.firefox") when the scope is a Flatpak one.
    public var flatpakID: String? {
        get { storage.flatpakID }
        set { mutableStorage.flatpakID = newValue }
    }
    /// Snap name ("firefox") when the scope is a snap one.
    public var snapName: String? {
        get { storage.snapName }
        set { mutableStorage.snapName = newValue }
    }

    public init(
        key: String, pid: Int32, startTime: UInt64, executable: String, executableState: ExecutableState,
        commandLine: [String], ancestors: [ProcessAncestor], uid: UInt32, userName: String?, cgroupPath: String,
        unit: String?, userUnit: String?, slice: String?, flatpakID: String?, snapName: String?
    ) {
        storage = Storage(
            key: key, pid: pid, startTime: startTime, executable: executable, executableState: executableState,
            commandLine: commandLine, ancestors: ancestors, uid: uid, userName: userName, cgroupPath: cgroupPath,
            unit: unit, userUnit: userUnit, slice: slice, flatpakID: flatpakID, snapName: snapName)
        updateAppCgroup()
    }

    private mutating func updateAppCgroup() {
        let storage = mutableStorage
        storage.appCgroup = AppCgroup.derive(cgroupPath: storage.cgroupPath, unit: storage.unit, userUnit: storage.userUnit)
    }

    /// Field by field (the same storage is equal at once).
    public static func == (lhs: AppIdentity, rhs: AppIdentity) -> Bool {
        let l = lhs.storage, r = rhs.storage
        if l === r { return true }
        return l.key == r.key && l.pid == r.pid && l.startTime == r.startTime && l.executable == r.executable
            && l.executableState == r.executableState && l.commandLine == r.commandLine && l.ancestors == r.ancestors
            && l.uid == r.uid && l.userName == r.userName && l.cgroupPath == r.cgroupPath && l.unit == r.unit
            && l.userUnit == r.userUnit && l.appCgroup == r.appCgroup && l.slice == r.slice && l.flatpakID == r.flatpakID
            && l.snapName == r.snapName
    }

    public func hash(into hasher: inout Hasher) {
        let s = storage
        hasher.combine(s.key)
        hasher.combine(s.pid)
        hasher.combine(s.startTime)
        hasher.combine(s.executable)
        hasher.combine(s.executableState)
        hasher.combine(s.commandLine)
        hasher.combine(s.ancestors)
        hasher.combine(s.uid)
        hasher.combine(s.userName)
        hasher.combine(s.cgroupPath)
        hasher.combine(s.unit)
        hasher.combine(s.userUnit)
        hasher.combine(s.slice)
        hasher.combine(s.flatpakID)
        hasher.combine(s.snapName)
    }
}
