import ArgumentParser
import PinholeDaemon

/// `pinhole deny APP DOMAIN`: adds DOMAIN to the app's profile `deny` and reloads.
struct Deny: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deny a domain for an app: pinholed adds it to the profile's deny list and reloads.",
        discussion: HelpText.deny)

    @OptionGroup var control: ControlOptions
    @Argument(help: ArgumentHelp("Profile name, or a unit for a new profile.", valueName: "app")) var app: String
    @Argument(help: ArgumentHelp("The rule: a name (covers subdomains), *.name, =name or /regex/.", valueName: "domain")) var domain: String
    @Flag(help: "Remove the domain from the deny list instead.") var remove = false

    func run() throws {
        try ControlOptions.reporting("deny") {
            let reply = try control.client().edit(ControlProtocol.Request(op: .deny, app: app, domain: domain, remove: remove))
            print(reply.message)
        }
    }
}
