import ArgumentParser
import Foundation
import PinholeDaemon

/// `pinhole lists`: the loaded lists, their sizes and rejected lines.
struct Lists: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the global lists: entries, rejected and ignored lines.",
        discussion: HelpText.lists)

    @Option(help: ArgumentHelp("Configuration file.", valueName: "file")) var config: String = ConfigLoader.defaultPath
    @Flag(help: "Print every rejected line, not only the first five per list.") var all = false

    func run() throws {
        do {
            let loaded = try PolicyLoader.load(try ConfigLoader.load(path: config).policy)
            if loaded.lists.isEmpty { print("no lists loaded") }
            for list in loaded.lists {
                let statistics = list.statistics
                print("\(list.name) (\(list.category ?? "no category")): \(statistics.entries) entries from \(statistics.lines) lines, \(statistics.rejectedCount) rejected")
                for (kind, count) in statistics.ignored.sorted(by: { $0.key < $1.key }) { print("  ignored \(kind): \(count)") }
                for rejected in all ? statistics.rejected : Array(statistics.rejected.prefix(5)) { print("  rejected \(rejected)") }
            }
            for warning in loaded.warnings { print("warning: \(warning)") }
        } catch {
            FileHandle.standardError.write(Data("pinhole: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
