import CSystemd
import Glibc

/// The systemd unit, user unit and slice of a process.
public struct SystemdUnits: Sendable, Hashable {
    /// System unit ("nginx.service", "user@1000.service", "app-a.scope").
    public var unit: String?
    /// Unit inside a user manager ("app-firefox-1234.scope").
    public var userUnit: String?
    /// Slice of the system unit ("system.slice", "user-1000.slice", "-.slice").
    public var slice: String?

    public init(unit: String?, userUnit: String?, slice: String?) {
        self.unit = unit
        self.userUnit = userUnit
        self.slice = slice
    }

    /// Asks libsystemd (sd_pid_get_unit, _user_unit, _slice) about `pid`;
    /// each field libsystemd cannot answer (no systemd layout, a namespace)
    /// comes from `cgroupPath` instead (see `init(cgroupPath:)`).
    public static func of(pid: Int32, cgroupPath: String) -> SystemdUnits {
        let derived = SystemdUnits(cgroupPath: cgroupPath)
        return SystemdUnits(
            unit: libsystemd(sd_pid_get_unit, pid) ?? derived.unit,
            userUnit: libsystemd(sd_pid_get_user_unit, pid) ?? derived.userUnit,
            slice: libsystemd(sd_pid_get_slice, pid) ?? derived.slice
        )
    }

    /// What libsystemd alone says (nil fields where it has no answer).
    public static func fromLibsystemd(pid: Int32) -> SystemdUnits {
        SystemdUnits(
            unit: libsystemd(sd_pid_get_unit, pid),
            userUnit: libsystemd(sd_pid_get_user_unit, pid),
            slice: libsystemd(sd_pid_get_slice, pid)
        )
    }

    /// The units a cgroup v2 path implies, the way libsystemd reads it:
    /// the unit is the first `.service`/`.scope` component, the user unit the
    /// first one after `user@UID.service/`, the slice the last `.slice`
    /// component before the unit ("-.slice", the root slice, when there is none).
    public init(cgroupPath: String) {
        let components = cgroupPath.split(separator: "/")
        let isUnit = { (name: Substring) in name.hasSuffix(".service") || name.hasSuffix(".scope") }
        let unitIndex = components.firstIndex(where: isUnit)
        unit = unitIndex.map { String(components[$0]) }
        let slices = components[..<(unitIndex ?? components.endIndex)].filter { $0.hasSuffix(".slice") }
        slice = slices.last.map(String.init) ?? "-.slice"
        if let unitIndex, components[unitIndex].hasPrefix("user@"), components[unitIndex].hasSuffix(".service") {
            userUnit = components[(unitIndex + 1)...].first(where: isUnit).map(String.init)
        } else {
            userUnit = nil
        }
    }

    /// One sd_pid_get_* call; the returned string is malloc'ed and freed here.
    private static func libsystemd(_ call: (pid_t, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32, _ pid: Int32) -> String? {
        var text: UnsafeMutablePointer<CChar>?
        guard call(pid, &text) >= 0, let text else { return nil }
        defer { free(text) }
        return String(cString: text)
    }
}
