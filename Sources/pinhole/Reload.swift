import ArgumentParser
import PinholeDaemon

/// `pinhole reload`: pinholed reads its profiles and lists again (as on SIGHUP).
struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask pinholed to reload its profiles and lists; prints what is loaded, or every error with file:line.",
        discussion: HelpText.reload)

    @OptionGroup var control: ControlOptions

    func run() throws {
        try ControlOptions.reporting("reload") {
            let reply = try control.client().reload()
            print("reloaded: \(reply.summary)")
            for warning in reply.warnings { print("warning: \(warning)") }
        }
    }
}
