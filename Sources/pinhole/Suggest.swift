import ArgumentParser
import Foundation
import LogView
import PinholeCore
import PinholeDaemon
import QueryLog

/// `pinhole suggest --app APP`: a profile that allows what the app used.
struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suggest a profile (TOML) that allows what an app used, by registrable domain; --write installs it.",
        discussion: HelpText.suggest)

    @OptionGroup var options: QueryLogOptions
    @Option(help: ArgumentHelp("App: key, unit, user unit or executable path.", valueName: "app")) var app: String
    @Option(help: ArgumentHelp("Only queries from this time on.", valueName: "time")) var since: String = "7d"
    @Flag(help: "Install the profile into the profiles folder and reload pinholed.") var write = false
    @Flag(help: "With --write: replace an existing profile of the same name.") var force = false
    @Option(help: ArgumentHelp("Profile name (file stem) for --write; default: from the app key.", valueName: "name")) var name: String?
    @Option(help: ArgumentHelp("pinholed's control socket, for the reload (default: the config's control.socket).", valueName: "path"))
    var socket: String?

    func run() throws {
        do {
            let config = try ConfigLoader.load(path: options.config)
            let reader = try options.openReader()
            let sinceMS = try TimeExpression(since).milliseconds(now: QueryLogSettings.wallClockMilliseconds())
            let domains = try reader.domains(app: app, since: sinceMS)
            guard !domains.isEmpty else { throw CLIError("no queries of app \"\(app)\" in \(reader.path) since \(since) (pinhole apps lists the apps)") }
            let latest = try reader.entries(filter: QueryFilter(app: app), limit: 1).first
            guard latest?.identity != nil else {
                throw CLIError("the last query of \"\(app)\" has no process (app unknown): a profile needs a unit or executable to match")
            }
            let categories = listCategories(config.policy)
            let entries = try domains.map { summary in
                let names = try namesUsed(under: summary.domain, reader: reader, since: sinceMS)
                return ProfileSuggestion.Entry(summary: summary, blockedBy: categories?.blocking(names) ?? [])
            }
            let suggestion = ProfileSuggestion(
                app: latest?.appKey ?? app, unit: latest?.unit, userUnit: latest?.userUnit, executable: latest?.executable,
                entries: entries, window: "--since \(since)")
            let text = suggestion.toml { TimeText.minutes($0) }
            guard write else { return print(text, terminator: "") }
            let profileName = name ?? suggestion.profileName
            try check(text, name: profileName)
            let path = try ProfileInstaller.install(text, name: profileName, directory: config.policy.profilesDir, overwrite: force)
            print("wrote \(path)")
            reload(socket: socket ?? config.control.socket)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("pinhole suggest: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The global lists as pinholed loads them; nil (with a warning) when they cannot be read.
    private func listCategories(_ policy: DaemonConfig.Policy) -> ListCategories? {
        do {
            return ListCategories(lists: try PolicyLoader.load(policy).lists)
        } catch {
            FileHandle.standardError.write(Data("pinhole suggest: lists not checked (policy does not load): \(error)\n".utf8))
            return nil
        }
    }

    /// Distinct names the app asked for under `domain` (newest 1,000 queries).
    private func namesUsed(under domain: String, reader: QueryLogReader, since: Int64) throws -> [String] {
        guard let pattern = try? DomainPattern(domain) else { return [domain] }
        let rows = try reader.entries(filter: QueryFilter(app: app, domain: pattern, since: since), limit: 1_000)
        return Array(Set(rows.map(\.name) + [domain])).sorted()
    }

    /// The profile must load with pinholed's own parser before it is installed.
    private func check(_ text: String, name: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name != "default" else {
            throw CLIError("--name \"\(name)\": expected a file stem (no '/', not hidden, not 'default')")
        }
        do {
            _ = try ProfileLoader.parse(files: [("\(name).toml", text)], registrable: RegistrableDomain()?.function)
        } catch {
            throw CLIError("the suggested profile does not load, not written: \(error)")
        }
    }

    /// A reload over the control socket; SIGHUP (to the pid from the
    /// socket) when the socket refuses changes; else how to do it by hand.
    private func reload(socket: String) {
        let client = ControlSocketClient(socketPath: socket)
        do {
            let reply = try client.reload()
            print("pinholed reloaded: \(reply.summary)")
        } catch where error.fromDaemon && error.reason != "permission denied" {
            print("pinholed did not take the new policy:\n\(error.reason)")
        } catch {
            do {
                let pid = try client.status().pid
                guard kill(pid, SIGHUP) == 0 else { throw CLIError("kill -HUP \(pid): \(String(cString: strerror(errno)))") }
                print("asked pinholed (pid \(pid)) to reload")
            } catch {
                print("pinholed not asked to reload (\(error)); run `pinhole reload` as root or `kill -HUP $(pidof pinholed)`")
            }
        }
    }
}
