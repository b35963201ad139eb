import ArgumentParser
import PinholeDaemon

/// `pinhole allow APP DOMAIN`: adds DOMAIN to the app's profile `allow` and reloads.
struct Allow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Allow a domain for an app: pinholed adds it to the profile's allow list and reloads.",
        discussion: """
            APP is a profile name (the file stem in the profiles folder); for a unit name (NAME.service, \
            NAME.scope) without a profile, a profile matching that unit is created. The file keeps its \
            comments and formatting; when the reload fails it is put back as it was. Needs root or \
            control.admin_group.
            """)

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
