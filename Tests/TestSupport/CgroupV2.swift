import Foundation

/// Where cgroup v2 lives for this process: the mount point and the process's
/// own cgroup path, read from /proc as DESIGN.md "Kernel mechanisms" says.
public enum CgroupV2 {
    /// The first cgroup2 mount in /proc/self/mountinfo (/sys/fs/cgroup on a
    /// pure v2 host, /sys/fs/cgroup/unified on a hybrid one), or nil.
    public static func mountPoint() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            // "... mountpoint options [optional fields] - fstype source superoptions"
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            if fields.count > 4 { return unescape(String(fields[4])) }
        }
        return nil
    }

    /// The v2 path of process `pid` (the `0::` line of /proc/PID/cgroup, as
    /// seen from this process's cgroup namespace), or nil.
    public static func path(ofProcess pid: pid_t? = nil) -> String? {
        let file = pid.map { "/proc/\($0)/cgroup" } ?? "/proc/self/cgroup"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("0::") }.map { String($0.dropFirst(3)) }
    }

    /// The pids listed in `directory`/cgroup.procs (empty when it cannot be read).
    public static func processes(inDirectory directory: String) -> [pid_t] {
        guard let text = try? String(contentsOfFile: directory + "/cgroup.procs", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// mountinfo escapes space, tab, newline and backslash as \ooo.
    private static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var out = ""
        var rest = Substring(field)
        while let slash = rest.firstIndex(of: "\\") {
            out += rest[..<slash]
            let code = rest[rest.index(after: slash)...].prefix(3)
            if code.count == 3, let value = UInt8(code, radix: 8) {
                out.unicodeScalars.append(UnicodeScalar(value))
                rest = rest[rest.index(slash, offsetBy: 4)...]
            } else {
                out += "\\"
                rest = rest[rest.index(after: slash)...]
            }
        }
        return out + rest
    }
}
