import ArgumentParser
import Foundation
import PinholeDaemon

/// `--socket` and `--config` for the commands that talk to pinholed, and
/// how they report its answers.
struct ControlOptions: ParsableArguments {
    @Option(help: ArgumentHelp("pinholed's control socket (default: the config's control.socket).", valueName: "path"))
    var socket: String?
    @Option(help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String = ConfigLoader.defaultPath

    /// A client for the socket named by `--socket`, else the config's `control.socket`.
    func client() throws -> ControlSocketClient {
        if let socket { return ControlSocketClient(socketPath: socket) }
        // Without a readable config the default path is the best guess.
        let path = (try? ConfigLoader.load(path: config).control.socket) ?? DaemonConfig.Control.defaultSocket
        return ControlSocketClient(socketPath: path)
    }

    /// Runs `body`; prints its failure as "pinhole COMMAND: …" on stderr and exits 1.
    static func reporting(_ command: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ControlClientError where error.fromDaemon {
            FileHandle.standardError.write(Data("pinhole \(command): \(error.reason)\n".utf8))
            throw ExitCode.failure
        } catch {
            FileHandle.standardError.write(Data("pinhole \(command): \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
