import ArgumentParser
import Foundation
import PinholeDaemon

/// `pinhole check-config [FILE]`: validates a configuration file the way pinholed would.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a pinholed configuration file and print the effective settings.",
        discussion: HelpText.checkConfig)

    @Argument(help: ArgumentHelp("Configuration file (default: /etc/pinhole/pinhole.toml).", valueName: "file"))
    var file: String?

    func run() throws {
        do {
            let config = try ConfigLoader.load(path: file ?? ConfigLoader.defaultPath)
            print(try config.summary())
        } catch {
            // The message already says file:line and what is wrong; no usage text.
            FileHandle.standardError.write(Data("pinhole: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
