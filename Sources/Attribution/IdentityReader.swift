import PinholeCore

/// pid → `AppIdentity`: /proc, libsystemd (or the cgroup path), the user
/// database and the app key rules, together.
public struct IdentityReader: Sendable {
    public var processes: ProcessInfoReader
    public var userNames: UserNames
    /// Whether to ask libsystemd before deriving units from the cgroup path.
    public var useLibsystemd: Bool

    public init(processes: ProcessInfoReader = ProcessInfoReader(), userNames: UserNames = UserNames(), useLibsystemd: Bool = true) {
        self.processes = processes
        self.userNames = userNames
        self.useLibsystemd = useLibsystemd
    }

    /// The identity of `pid`; throws `.exited` when the process is gone or
    /// is no longer the one that started at `startTime` (when given).
    public func identity(of pid: Int32, startTime: UInt64? = nil) throws(ProcessReadError) -> AppIdentity {
        let details = try processes.details(of: pid)
        if let startTime, details.startTime != startTime {
            throw ProcessReadError(kind: .exited, path: "\(processes.procRoot)/\(pid)/stat", detail: "pid reused (start time \(startTime) → \(details.startTime))")
        }
        let units = useLibsystemd
            ? SystemdUnits.of(pid: pid, cgroupPath: details.cgroupPath)
            : SystemdUnits(cgroupPath: details.cgroupPath)
        let unitForIDs = units.userUnit ?? units.unit
        return AppIdentity(
            key: AppKey.derive(unit: units.unit, userUnit: units.userUnit, executable: details.executable),
            pid: pid, startTime: details.startTime,
            executable: details.executable, executableState: details.executableState,
            commandLine: details.commandLine, ancestors: details.ancestors,
            uid: details.uid, userName: userNames.name(of: details.uid),
            cgroupPath: details.cgroupPath,
            unit: units.unit, userUnit: units.userUnit, slice: units.slice,
            flatpakID: unitForIDs.flatMap(AppKey.flatpakID(fromUnit:)),
            snapName: unitForIDs.flatMap(AppKey.snapName(fromUnit:))
        )
    }
}
