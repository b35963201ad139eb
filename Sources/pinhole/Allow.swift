import ArgumentParser

/// `pinhole allow APP DOMAIN`: adds DOMAIN to the app's profile `allow` and reloads.
struct Allow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Allow a domain for an app: pinholed adds it to the profile's allow list and reloads.",
        discussion: HelpText.allow)

    @OptionGroup var edit: ProfileListEdit
    @Flag(help: "Remove the domain from the allow list instead.") var remove = false

    func run() throws { try edit.run(list: .allow, remove: remove) }
}
