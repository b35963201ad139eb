import ArgumentParser
import PinholeDaemon

/// What `pinhole allow` and `pinhole deny` share: the control options, APP
/// and DOMAIN, and the request that has pinholed edit the profile's list
/// and reload. Each command keeps its own `--remove` (its help names the list).
struct ProfileListEdit: ParsableArguments {
    @OptionGroup var control: ControlOptions
    @Argument(help: ArgumentHelp("Profile name, or a unit for a new profile.", valueName: "app")) var app: String
    @Argument(help: ArgumentHelp("The rule: a name (covers subdomains), *.name, =name or /regex/.", valueName: "domain")) var domain: String

    /// Asks pinholed to add DOMAIN to (or with `remove`, take it out of) APP's
    /// `list` (`.allow` or `.deny`) and prints its reply; a failure goes to
    /// stderr as "pinhole allow: …" (the list's name) with exit status 1.
    func run(list: ControlProtocol.Op, remove: Bool) throws {
        try ControlOptions.reporting(list.rawValue) {
            let reply = try control.client().edit(ControlProtocol.Request(op: list, app: app, domain: domain, remove: remove))
            print(reply.message)
        }
    }
}
