import Attribution
import Foundation
import Glibc
import PinholeCore

/// `pinhole exec --app NAME -- CMD…`: replaces this process with CMD in a
/// fresh cgroup of its own, the scope `pinhole-NAME-<PID>.scope`, so the
/// profile named NAME governs it from its first packet (see `ExecScope`).
///
/// With systemd as PID 1 (in this cgroup namespace) the scope is a systemd
/// transient scope (`systemd-run --scope`, `--user` when not root; systemd
/// removes it when CMD exits). Without, it is a cgroup under the
/// pinhole-owned subtree `pinhole.exec/` of the cgroup2 mount: this process
/// writes its pid into the scope's cgroup.procs and execs; empty scopes of
/// earlier runs are removed on the way. Either way CMD keeps this pid, so
/// its exit status and signals are CMD's own.
public enum ExecLauncher {
    /// The pinhole-owned cgroup subtree for scopes made without systemd.
    public static let subtree = "pinhole.exec"

    /// Where the scope goes.
    public enum Placement: Sendable, Equatable {
        /// A systemd transient scope through `systemd-run` at this path.
        case systemd(systemdRun: String)
        /// A cgroup under `subtree` of the cgroup2 mount at this path.
        case cgroup(mountPoint: String)
    }

    /// systemd when it runs the machine and this cgroup namespace (and
    /// `systemd-run` is on PATH), else the cgroup2 mount.
    public static func placement(allowSystemd: Bool = true) throws -> Placement {
        if allowSystemd, let run = systemdRunIfUsable() { return .systemd(systemdRun: run) }
        do {
            return .cgroup(mountPoint: try CgroupTree.visibleCgroup2MountPoint())
        } catch {
            throw ExecError("no systemd and no cgroup2 mount to make a scope in: \(error)")
        }
    }

    /// Execs `command` in a new scope for `app`, once pinholed has decided
    /// the scope (or `wait` seconds passed: `onNoMark` is told); returns only by throwing.
    public static func exec(
        app: String, command: [String], placement: Placement, wait: Double = 2, onNoMark: (String) -> Void = { _ in }
    ) throws -> Never {
        guard ExecScope.isValidAppName(app) else {
            throw ExecError("--app \"\(app)\": use letters, digits, '_', '.' and '-' (at most 64), as in the profile's file name")
        }
        guard let program = command.first else { throw ExecError("no command to run: pinhole exec --app NAME -- CMD [ARG…]") }
        let unit = ExecScope.unitName(app: app, serial: Int(getpid()))
        switch placement {
        case .systemd(let systemdRun):
            var arguments = [systemdRun, "--scope", "--quiet", "--collect", "--unit", unit]
            if geteuid() != 0 { arguments.append("--user") }
            // In the scope, this program again: it waits for pinholed's mark, then execs the command.
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let inner = [me, "exec", "--app", app, "--in-scope", "--wait", String(wait), "--"] + command
            try execute(systemdRun, arguments + ["--"] + inner)
        case .cgroup(let mountPoint):
            let parent = mountPoint + "/" + subtree
            guard mkdir(parent, 0o755) == 0 || errno == EEXIST else { throw ExecError(errno: errno, "mkdir \(parent)") }
            removeEmptyScopes(in: parent)
            let scope = parent + "/" + unit
            guard mkdir(scope, 0o755) == 0 || errno == EEXIST else { throw ExecError(errno: errno, "mkdir \(scope)") }
            do {
                try "\(getpid())\n".write(toFile: scope + "/cgroup.procs", atomically: false, encoding: .utf8)
            } catch {
                rmdir(scope)
                throw ExecError("cannot move into \(scope) (writing cgroup.procs; root or a delegated cgroup needed): \(error)")
            }
            waitForMark(on: scope, seconds: wait, onNoMark: onNoMark)
            try execute(program, command)
        }
    }

    /// Already in the scope (`systemd-run` started this program there):
    /// waits for pinholed's mark on the own cgroup, then execs `command`.
    public static func execInScope(command: [String], wait: Double, onNoMark: (String) -> Void) throws -> Never {
        guard let program = command.first else { throw ExecError("no command to run") }
        let mount = try CgroupTree.visibleCgroup2MountPoint()
        let own = try ProcessInfoReader().cgroupPath(of: getpid())
        waitForMark(on: mount + own, seconds: wait, onNoMark: onNoMark)
        try execute(program, command)
    }

    /// Polls for `CgroupMark` on `directory` up to `seconds`; pinholed
    /// usually sets it within a millisecond or two of the cgroup's creation.
    static func waitForMark(on directory: String, seconds: Double, onNoMark: (String) -> Void) {
        let deadline = Date().addingTimeInterval(seconds)
        while CgroupMark.value(on: directory) == nil {
            guard Date() < deadline else {
                onNoMark(directory)
                return
            }
            usleep(1_000)
        }
    }

    /// Replaces this process with `program` (looked up on PATH) and `arguments` (argv, [0] included).
    private static func execute(_ program: String, _ arguments: [String]) throws -> Never {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execvp(program, &argv)
        let code = errno
        for pointer in argv { free(pointer) }
        throw ExecError(errno: code, "exec \(program)")
    }

    /// rmdir every scope left by earlier runs: a populated one refuses (EBUSY) and stays.
    private static func removeEmptyScopes(in parent: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries where entry.hasPrefix(ExecScope.prefix) && entry.hasSuffix(".scope") {
            rmdir(parent + "/" + entry)
        }
    }

    /// `systemd-run`'s path when systemd is PID 1 of this machine and of
    /// this cgroup namespace (seen from a private cgroup namespace, PID 1's
    /// cgroup path starts with "/.."), nil otherwise.
    static func systemdRunIfUsable() -> String? {
        guard FileManager.default.fileExists(atPath: "/run/systemd/system"),
              let comm = try? String(contentsOfFile: "/proc/1/comm", encoding: .utf8), comm == "systemd\n",
              let cgroup = try? String(contentsOfFile: "/proc/1/cgroup", encoding: .utf8),
              let line = cgroup.split(separator: "\n").first(where: { $0.hasPrefix("0::") }), !line.dropFirst(3).hasPrefix("/..")
        else { return nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/systemd-run", X_OK) == 0 {
            return "\(directory)/systemd-run"
        }
        return nil
    }
}
