import ArgumentParser
import Foundation
import LogView
import PinholeCore
import PinholeDaemon
import QueryLog

/// `pinhole domains --app APP`: which registrable domains one app talks to.
struct Domains: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the registrable domains (eTLD+1) one app asked for, with counts and first/last seen.",
        discussion: HelpText.domains)

    @OptionGroup var options: QueryLogOptions
    @Option(help: ArgumentHelp("App: key, unit, user unit or executable path.", valueName: "app")) var app: String
    @Option(help: ArgumentHelp("Only queries from this time on (10m, 2h, 7d, yesterday, 2026-11-25).", valueName: "time")) var since: String?
    @Flag(help: "Only domains outside the app profile's vendor set.") var thirdParty = false

    func run() throws {
        do {
            let reader = try options.openReader()
            let sinceMS = try since.map { try TimeExpression($0).milliseconds(now: QueryLogSettings.wallClockMilliseconds()) }
            var domains = try reader.domains(app: app, since: sinceMS)
            if domains.isEmpty { throw CLIError("no queries of app \"\(app)\" in \(reader.path)\(since.map { " since \($0)" } ?? "") (pinhole apps lists the apps)") }
            if thirdParty {
                let vendor = try vendorDomains(reader)
                domains = domains.filter { !vendor.contains($0.domain) }
            }
            if options.json {
                for domain in domains { print(try SummaryOutput.jsonLine(domain)) }
            } else if options.csv {
                print(CSV.record(SummaryOutput.domainsCSVHeader) + domains.map(SummaryOutput.csvRecord).joined(), terminator: "")
            } else {
                for line in SummaryOutput.domainsTable(domains, terminal: options.terminal) { print(line) }
            }
        } catch {
            FileHandle.standardError.write(Data("pinhole domains: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The `vendor` set of the profile pinholed would choose for the app's last logged identity.
    private func vendorDomains(_ reader: QueryLogReader) throws -> Set<String> {
        let latest = try reader.entries(filter: QueryFilter(app: app), limit: 1).first
        let policy = try PolicyLoader.load(try ConfigLoader.load(path: options.config).policy).policy
        let profile = policy.profiles.select(for: latest?.identity)
        FileHandle.standardError.write(Data("profile \(profile.name): vendor \(profile.vendor.map(\.value.text).joined(separator: ", "))\n".utf8))
        return Set(profile.vendor.map(\.value.text))
    }
}
