import PinholeCore

/// The `identities` columns of an attribution ('' for an absent field).
struct StoredIdentity: Hashable {
    var key: String
    var exe = ""
    var exeState = ""
    var unit = ""
    var userUnit = ""
    var slice = ""
    var cgroup = ""
    var flatpakID = ""
    var snapName = ""
    var unattributed = ""

    init(_ attribution: Attribution) {
        key = attribution.appKey
        if let app = attribution.app {
            exe = app.executable
            exeState = app.executableState.rawValue
            unit = app.unit ?? ""
            userUnit = app.userUnit ?? ""
            slice = app.slice ?? ""
            cgroup = app.cgroupPath
            flatpakID = app.flatpakID ?? ""
            snapName = app.snapName ?? ""
        } else {
            unattributed = attribution.reason?.rawValue ?? UnattributedReason.disabled.rawValue
        }
    }
}

/// The `processes` key of an attribution: one process lifetime and uid.
struct StoredProcess: Hashable {
    var identityID: Int64
    var pid: Int64
    var startTime: Int64
    /// -1 when unknown.
    var uid: Int64
}
