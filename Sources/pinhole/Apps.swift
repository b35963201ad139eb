import ArgumentParser
import Foundation
import LogView
import QueryLog

/// `pinhole apps`: every app in the log with its totals.
struct Apps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every app in the query log: unit, executable, first/last seen, queries, blocked share, domains.",
        discussion: HelpText.apps)

    @OptionGroup var options: QueryLogOptions

    func run() throws {
        do {
            let apps = try options.openReader().apps()
            if options.json {
                for app in apps { print(try SummaryOutput.jsonLine(app)) }
            } else if options.csv {
                print(CSV.record(SummaryOutput.appsCSVHeader) + apps.map(SummaryOutput.csvRecord).joined(), terminator: "")
            } else if apps.isEmpty {
                print("no apps in the query log yet")
            } else {
                for line in SummaryOutput.appsTable(apps, terminal: options.terminal) { print(line) }
            }
        } catch {
            FileHandle.standardError.write(Data("pinhole apps: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
