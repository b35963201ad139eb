import ArgumentParser
import PinholeDaemon

/// `pinhole allow APP DOMAIN`: adds DOMAIN to the app's profile `allow` and reloads.
struct Allow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Allow a domain for an app: pinholed adds it to the profile's allow list and reloads.",
        discussion: HelpText.allow)

    @OptionGroup var control: ControlOptions
    @Argument(help: ArgumentHelp("Profile name, or a unit for a new profile.", valueName: "app")) var app: String
    @Argument(help: ArgumentHelp("The rule: a name (covers subdomains), *.name, =name or /regex/.", valueName: "domain")) var domain: String
    @Flag(help: "Remove the domain from the allow list instead.") var remove = false

    func run() throws {
        try ControlOptions.reporting("allow") {
            let reply = try control.client().edit(ControlProtocol.Request(op: .allow, app: app, domain: domain, remove: remove))
            print(reply.message)
        }
    }
}
