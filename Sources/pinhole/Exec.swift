import ArgumentParser
import Foundation
import PinholeDaemon

/// `pinhole exec --app NAME -- CMD [ARG…]`: runs a command in a fresh cgroup
/// of its own that the profile named NAME governs (see `ExecLauncher`).
struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a cgroup of its own, under the profile NAME (apps.d/NAME.toml).",
        discussion: HelpText.exec)

    @Option(name: .long, help: ArgumentHelp("The profile to run under (apps.d/NAME.toml).", valueName: "name"))
    var app: String

    @Flag(name: .long, help: "Make the cgroup directly even when systemd is there.")
    var noSystemd = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for pinholed to decide the new cgroup before running anyway.", valueName: "seconds"))
    var wait: Double = 2

    /// Set when systemd-run started this program inside the scope already.
    @Flag(name: .long, help: .hidden)
    var inScope = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        let warn = { (directory: String) in
            FileHandle.standardError.write(
                Data("pinhole exec: pinholed did not decide \(directory) within \(wait) s (is it running with [enforcement] on?); running the command anyway\n".utf8))
        }
        do {
            if inScope {
                try ExecLauncher.execInScope(command: command, wait: wait, onNoMark: warn)
            }
            try ExecLauncher.exec(
                app: app, command: command, placement: try ExecLauncher.placement(allowSystemd: !noSystemd), wait: wait, onNoMark: warn)
        } catch {
            FileHandle.standardError.write(Data("pinhole exec: \(error)\n".utf8))
            throw ExitCode(127)
        }
    }
}
