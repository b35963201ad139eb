import ArgumentParser
import Foundation
import LogView
import PinholeDaemon
import QueryLog

/// Options every query-log command shares: which database, which config,
/// and how the output is printed.
struct QueryLogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The query-log database (default: the config's querylog.path, \(DaemonConfig.defaults.queryLog.path)).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String = ConfigLoader.defaultPath

    @Flag(help: "Print one JSON object a line.") var json = false
    @Flag(help: "Print CSV (RFC 4180) with a header line.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv exclude each other") }
    }

    /// `--db`, else the config's `querylog.path` (its default without a config file).
    func databasePath() throws -> String {
        if let db { return db }
        // Read the way check-config reads it: a broken config is reported, not skipped.
        return try ConfigLoader.load(path: config).queryLog.path
    }

    /// `--socket`, else the config's `control.socket`.
    func socketPath(_ socket: String?) throws -> String {
        if let socket { return socket }
        return try ConfigLoader.load(path: config).control.socket
    }

    /// The reader on the database, or an error that says what to do.
    func openReader() throws -> QueryLogReader {
        let path = try databasePath()
        do {
            return try QueryLogReader(path: path)
        } catch {
            var hint = ""
            if !FileManager.default.fileExists(atPath: path) {
                hint = "; is pinholed running with [querylog] enabled? Another database: --db PATH"
            } else if !FileManager.default.isReadableFile(atPath: path) {
                hint = "; reading it needs root or membership in the pinhole group"
            }
            throw CLIError("cannot open the query log \(path): \(error.message)\(hint)")
        }
    }

    /// The terminal stdout goes to.
    var terminal: Terminal { Terminal.current(environment: ProcessInfo.processInfo.environment) }
}
