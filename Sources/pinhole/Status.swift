import ArgumentParser
import Attribution
import Enforcement
import Foundation
import PinholeDaemon

/// `pinhole status`: the daemon's own report over its control socket
/// (version, uptime, queries, the query log's written/dropped/failed
/// counts), then per app cgroup in the kernel's `inet pinhole` table,
/// whether it is governed, its live pins, its blocked connections and its
/// interface rules, and totals. The kernel part reads the kernel (root or
/// CAP_NET_ADMIN), not the daemon: what it shows is what is enforced.
/// Fails only when neither could be read.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the daemon's counters and what the kernel enforces per app: pins, blocked connections, interfaces.",
        discussion: HelpText.status)

    @Flag(help: "Print JSON (daemon, apps and totals) instead of a table.") var json = false
    @Option(help: ArgumentHelp("pinholed's control socket (default: the config's control.socket).", valueName: "path"))
    var socket: String?
    @Option(help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String = ConfigLoader.defaultPath

    func run() throws {
        var report = StatusReport()
        do {
            report.enforcement = Self.namingCgroupIDs(try EnforcementStatus.read(with: try Nftables()))
        } catch {
            report.enforcementError = error.message.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            let path = try socket ?? ConfigLoader.load(path: config).control.socket
            report.daemon = try ControlSocketClient(socketPath: path).status()
        } catch {
            report.daemonError = "\(error)"
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.daemonText, terminator: "")
            if let enforcement = report.enforcement {
                print(Self.table(enforcement), terminator: "")
            } else {
                print("enforcement: \(report.enforcementError ?? "off")")
            }
        }
        if report.enforcement == nil && report.daemon == nil {
            FileHandle.standardError.write(Data("pinhole: \(report.enforcementError ?? "no table"); \(report.daemonError ?? "")\n".utf8))
            throw ExitCode.failure
        }
    }

    /// nft names cgroups by a path it finds under /sys/fs/cgroup (or a bare
    /// id): on a hybrid host (cgroup2 at /sys/fs/cgroup/unified) that is
    /// "unified/app.scope", or a v1 directory with the same inode number.
    /// Named here by the id's path relative to the cgroup2 root this process
    /// sees; an id of a cgroup that is gone stays a number.
    static func namingCgroupIDs(_ status: EnforcementStatus) -> EnforcementStatus {
        // Only a cgroup2 hierarchy has cgroup.controllers; hybrid's /sys/fs/cgroup is a tmpfs.
        let hybrid = access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0
        guard hybrid || status.apps.contains(where: { UInt64($0.cgroup) != nil }), let tree = try? CgroupTree() else { return status }
        let paths = tree.relativePaths()
        return status.namingCgroups { listed in
            if let id = UInt64(listed) { return paths[id] }
            guard hybrid, let id = try? CgroupTree.id(ofDirectory: "/sys/fs/cgroup/" + listed) else { return nil }
            return paths[id]
        }
    }

    /// The human form: one row per app, then a totals line.
    static func table(_ status: EnforcementStatus) -> String {
        let header = ["CGROUP", "GOVERNED", "PINS v4/v6", "BLOCKED", "INTERFACES", "OWNS", "STATIC"]
        let rows = status.apps.map { app in
            [
                app.cgroup, app.governed ? "yes" : "no", "\(app.pins4)/\(app.pins6)", String(app.blocked),
                app.interfaces.isEmpty ? "any" : app.interfaces.joined(separator: ","),
                app.owns.isEmpty ? "-" : app.owns.joined(separator: ","),
                app.staticRanges.isEmpty ? "-" : app.staticRanges.joined(separator: ","),
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        let totals = status.totals
        var text = rows.isEmpty ? "no app has pins or rules yet\n" : line(header) + rows.map(line).joined()
        text += "total: \(totals.governed) governed, \(totals.pins4) IPv4 and \(totals.pins6) IPv6 pins, "
            + "\(totals.blocked) blocked, \(totals.interfaceRefused) refused by interface rules\n"
        return text
    }
}
