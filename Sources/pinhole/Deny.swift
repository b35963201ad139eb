import ArgumentParser

/// `pinhole deny APP DOMAIN`: adds DOMAIN to the app's profile `deny` and reloads.
struct Deny: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deny a domain for an app: pinholed adds it to the profile's deny list and reloads.",
        discussion: HelpText.deny)

    @OptionGroup var edit: ProfileListEdit
    @Flag(help: "Remove the domain from the deny list instead.") var remove = false

    func run() throws { try edit.run(list: .deny, remove: remove) }
}
