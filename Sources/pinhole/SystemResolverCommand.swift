import ArgumentParser

/// `pinhole system-resolver enable|disable|status`: make pinhole the
/// machine's resolver, safely and reversibly.
struct SystemResolverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system-resolver",
        abstract: "Make pinhole the system resolver (enable), put the machine back exactly (disable), or show which mode it is in.",
        discussion: HelpText.systemResolver,
        subcommands: [SystemResolverEnable.self, SystemResolverDisable.self, SystemResolverStatus.self])
}
