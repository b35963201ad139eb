import PinholeCore
import QueryLog

extension LoggedQuery {
    /// The identity the row was logged with, for choosing the app's profile
    /// the way pinholed does; nil for an unattributed row.
    public var identity: AppIdentity? {
        guard unattributed == nil, let executable else { return nil }
        return AppIdentity(
            key: appKey, pid: pid, startTime: 0, executable: executable, executableState: executableState ?? .present,
            commandLine: commandLine, ancestors: ancestors, uid: uid ?? UInt32.max, userName: userName, cgroupPath: cgroupPath ?? "",
            unit: unit, userUnit: userUnit, slice: slice, flatpakID: flatpakID, snapName: snapName)
    }
}
