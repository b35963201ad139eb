import ArgumentParser
import Foundation
import PinholeDaemon
import SystemResolver

/// `pinhole system-resolver enable`: detect, print the plan, back up every
/// file, then switch; a failure midway rolls back.
struct SystemResolverEnable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Point the system's DNS at pinhole: prints the plan, backs up every file it changes, then applies it.",
        discussion: HelpText.systemResolverEnable)

    @OptionGroup var options: SystemResolverOptions
    @Option(help: ArgumentHelp("keep-resolved or replace (default: keep-resolved when systemd-resolved is active).", valueName: "mode"))
    var mode: ResolverMode?
    @Option(name: .customLong("upstream"), help: ArgumentHelp("Forward to this server instead of the adopted ones (repeatable).", valueName: "address"))
    var upstreams: [String] = []
    @Flag(help: "Print the plan and change nothing.") var dryRun = false
    @Flag(help: "Apply without asking.") var yes = false

    func run() throws {
        let resolverSwitch = options.resolverSwitch
        if let manifest = try resolverSwitch.manifest() {
            print("pinhole is already the system resolver (mode \(manifest.mode.rawValue), since \(manifest.date)); nothing changed.")
            if manifest.state == .applying { print("note: that enable did not finish; run `pinhole system-resolver disable` to undo it.") }
            return
        }
        var servers: [SocketAddressText] = []
        for text in upstreams {
            do {
                servers.append(try SocketAddressText(parsing: text))
            } catch {
                throw ValidationError("--upstream \"\(text)\": \(error)")
            }
        }
        let facts = try options.probe.facts()
        let plan = try SwitchPlanner(paths: options.paths, mode: mode, upstreams: servers).plan(for: facts)
        print("found: resolv.conf is \(facts.resolvConf); systemd-resolved \(facts.resolvedActive ? "active" : "not active"); "
            + "nsswitch hosts: \(facts.nsswitch?.hostsTokens?.joined(separator: " ") ?? "(none)")"
            + (facts.networkManagerActive ? "; NetworkManager active" : ""))
        print(plan.text, terminator: "")
        if dryRun { return }
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("not a terminal: pass --yes to apply the plan above without asking") }
            print("Apply? [y/N] ", terminator: "")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else {
                print("nothing changed")
                return
            }
        }
        switch try resolverSwitch.enable(plan) {
        case .enabled:
            print("enabled: pinhole is the system resolver (mode \(plan.mode.rawValue)); backups in \(resolverSwitch.stateDirectory)")
            print("check it with `pinhole doctor`; undo it with `pinhole system-resolver disable`")
        case .alreadyEnabled(let manifest):
            print("pinhole is already the system resolver (mode \(manifest.mode.rawValue)); nothing changed.")
        }
    }
}

extension ResolverMode: ExpressibleByArgument {}
