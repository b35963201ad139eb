import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A copy of the host's /etc made resolved-style (resolv.conf a symlink to
/// ../run/systemd/resolve/stub-resolv.conf, nsswitch `hosts: files resolve
/// [!UNAVAIL=return] dns`), plus a private /run/systemd, bind-mounted over
/// /etc and /run/systemd inside a sandbox's mount namespace only; and a
/// systemctl stub that records its calls. The host's files are never touched.
final class PrivateEtc {
    let directory: String
    var etc: String { directory + "/etc" }
    var runSystemd: String { directory + "/run-systemd" }
    var systemctl: String { directory + "/systemctl" }

    init(sandbox: NamespaceSandbox) throws {
        var template = Array("/tmp/pinhole-etc-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw TestFailure("mkdtemp: \(errno)") }
        directory = String(cString: made)
        let copy = try CommandRunner.run(URL(fileURLWithPath: "/bin/cp"), ["-a", "/etc", etc])
        guard copy.status == 0 else { throw TestFailure("cp -a /etc: \(copy.output)") }
        try? FileManager.default.removeItem(atPath: etc + "/pinhole")
        try? FileManager.default.removeItem(atPath: etc + "/resolv.conf")
        guard symlink("../run/systemd/resolve/stub-resolv.conf", etc + "/resolv.conf") == 0 else { throw TestFailure("symlink: \(errno)") }
        try Self.write(etc + "/nsswitch.conf", "passwd: files\ngroup: files\nhosts:          files resolve [!UNAVAIL=return] dns\nnetworks: files\n")
        try FileManager.default.createDirectory(atPath: runSystemd + "/resolve", withIntermediateDirectories: true)
        try Self.write(runSystemd + "/resolve/stub-resolv.conf", "# resolved's stub file\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.example\n")
        try Self.write(runSystemd + "/resolve/resolv.conf", "# resolved's uplink file\nnameserver 192.0.2.200\n")
        let script = """
            #!/bin/sh
            echo "$*" >> '\(directory)/calls'
            case "$1 $2" in
              "is-active systemd-resolved.service") echo active; exit 0;;
              "is-enabled systemd-resolved.service") echo enabled; exit 0;;
              "is-active "*) echo inactive; exit 3;;
            esac
            exit 0

            """
        _ = FileManager.default.createFile(atPath: systemctl, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        for (source, target) in [(etc, "/etc"), (runSystemd, "/run/systemd")] {
            let mounted = try sandbox.run("mount", ["--bind", source, target])
            guard mounted.status == 0 else { throw TestFailure("mount --bind \(source) \(target) in the sandbox: \(mounted.stderr)") }
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The systemctl calls so far that change something (not is-active/is-enabled).
    var changingCalls: [String] {
        let text = (try? String(contentsOfFile: directory + "/calls", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("is-") }
    }

    /// Every entry under the private /etc and /run/systemd: kind, mode,
    /// owner, and the SHA-256 of a file or a symlink's target.
    func tree() throws -> [String: String] {
        let script = "cd \"$0\" && find . -printf '%p %y %m %U:%G %l\\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum"
        var result: [String: String] = [:]
        for top in [etc, runSystemd] {
            let listing = try CommandRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, top])
            guard listing.status == 0 else { throw TestFailure("listing \(top): \(listing.output)") }
            for line in listing.output.split(separator: "\n") { result[top + ":" + line] = String(line) }
        }
        return result
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: etc + path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func write(_ path: String, _ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644]) else {
            throw TestFailure("cannot write \(path)")
        }
    }
}
