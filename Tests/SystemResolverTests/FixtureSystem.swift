import Foundation
import SystemResolver

#if canImport(Glibc)
import Glibc
#endif

/// A fake system under a temporary root for `--root`: a resolved-style
/// /etc (resolv.conf a symlink to ../run/systemd/resolve/stub-resolv.conf,
/// nsswitch with `resolve`), resolved's run files, and a systemctl stub
/// that records every call and answers is-active from marker files.
final class FixtureSystem {
    let root: String
    /// Holds the stub, its call log and markers (outside the root).
    let stubDirectory: String

    init(resolved: Bool = true, networkManager: Bool = false) throws {
        root = try Self.makeTemporaryDirectory()
        stubDirectory = try Self.makeTemporaryDirectory()
        try write("/etc/nsswitch.conf", "# /etc/nsswitch.conf\npasswd:         files systemd\nhosts:          files mymachines resolve [!UNAVAIL=return] dns myhostname\nnetworks:       files\n", mode: 0o644)
        try write("/run/systemd/resolve/stub-resolv.conf", "# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch corp.example\n")
        try write("/run/systemd/resolve/resolv.conf", "# uplink\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch corp.example\n")
        try write("/etc/hosts", "127.0.0.1 localhost\n")
        try makeDirectory("/etc/systemd")
        guard symlink("../run/systemd/resolve/stub-resolv.conf", root + "/etc/resolv.conf") == 0 else { throw FixtureError("symlink: \(errno)") }
        if networkManager {
            try write("/etc/NetworkManager/NetworkManager.conf", "[main]\nplugins=ifupdown,keyfile\n")
            try setMarker("nm-active", true)
        }
        try setMarker("resolved-active", resolved)
        let script = """
            #!/bin/sh
            echo "$*" >> '\(stubDirectory)/calls'
            case "$1 $2" in
              "is-active systemd-resolved.service") if [ -e '\(stubDirectory)/resolved-active' ]; then echo active; exit 0; fi; echo inactive; exit 3;;
              "is-active NetworkManager.service") if [ -e '\(stubDirectory)/nm-active' ]; then echo active; exit 0; fi; echo inactive; exit 3;;
              "is-enabled systemd-resolved.service") echo enabled; exit 0;;
            esac
            if [ -e '\(stubDirectory)/fail' ] && [ "$*" = "$(cat '\(stubDirectory)/fail')" ]; then echo "stub: failing $*" >&2; exit 1; fi
            exit 0

            """
        _ = FileManager.default.createFile(atPath: systemctlPath, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: stubDirectory)
    }

    var systemctlPath: String { stubDirectory + "/systemctl" }
    var systemctl: Systemctl { Systemctl(executable: systemctlPath) }
    var files: SystemFiles { SystemFiles(root: root) }
    var stateDirectory: String { root + "/var/lib/pinhole/system-resolver" }
    var resolverSwitch: ResolverSwitch { ResolverSwitch(files: files, stateDirectory: stateDirectory, systemctl: systemctl) }
    var probe: SystemProbe { SystemProbe(files: files, paths: SystemPaths(), systemctl: systemctl) }

    /// The calls the stub got, minus the read-only queries (is-active, is-enabled).
    var changingCalls: [String] {
        let text = (try? String(contentsOfFile: stubDirectory + "/calls", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("is-") }
    }

    func clearCalls() { unlink(stubDirectory + "/calls") }

    /// Makes the stub fail for exactly these arguments ("restart systemd-resolved.service").
    func failSystemctl(_ arguments: String) {
        _ = FileManager.default.createFile(atPath: stubDirectory + "/fail", contents: Data(arguments.utf8))
    }

    func setMarker(_ name: String, _ on: Bool) throws {
        if on {
            _ = FileManager.default.createFile(atPath: stubDirectory + "/" + name, contents: Data())
        } else {
            unlink(stubDirectory + "/" + name)
        }
    }

    func write(_ path: String, _ text: String, mode: Int = 0o644) throws {
        try makeDirectory((path as NSString).deletingLastPathComponent)
        guard FileManager.default.createFile(atPath: root + path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw FixtureError("cannot write \(root + path)")
        }
    }

    func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
    }

    func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: root + path).map { String(decoding: $0, as: UTF8.self) }
    }

    func linkTarget(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: root + path)
    }

    /// Every file, symlink and directory under `/etc` and `/run` of the
    /// root, with its kind, bytes or target, mode and owner: equal
    /// snapshots mean byte-identical trees.
    func tree() -> [String: String] {
        TreeSnapshot.take(root, under: ["/etc", "/run"])
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/pinhole-sysres-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { throw FixtureError("mkdtemp: \(errno)") }
        return String(cString: made)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
