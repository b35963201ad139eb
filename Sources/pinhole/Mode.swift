import ArgumentParser
import PinholeCore
import PinholeDaemon

/// `pinhole mode APP MODE`: sets the app's profile `mode` and reloads.
struct Mode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set an app's mode (enforce, first-party, block-listed, learn, off): pinholed edits the profile and reloads.",
        discussion: HelpText.mode)

    @OptionGroup var control: ControlOptions
    @Argument(help: ArgumentHelp("Profile name, or a unit for a new profile.", valueName: "app")) var app: String
    @Argument(help: ArgumentHelp("enforce, first-party, block-listed, learn or off.", valueName: "mode")) var mode: String

    func validate() throws {
        guard PolicyMode(rawValue: mode) != nil else { throw ValidationError("mode \"\(mode)\": expected one of \(PolicyMode.names)") }
    }

    func run() throws {
        try ControlOptions.reporting("mode") {
            print(try control.client().edit(ControlProtocol.Request(op: .mode, app: app, mode: mode)).message)
        }
    }
}
