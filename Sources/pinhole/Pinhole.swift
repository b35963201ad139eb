import ArgumentParser
import PinholeDaemon

/// The pinhole command-line tool. Later issues add the query log, apps,
/// policy and the system-resolver switch as subcommands.
@main
struct Pinhole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinhole",
        abstract: "Inspect and control pinhole, the per-app DNS firewall.",
        discussion: HelpText.pinhole,
        version: PinholeVersion.string,
        subcommands: [
            CheckConfig.self, Why.self, Lists.self, Status.self, Exec.self, Log.self, Apps.self, Domains.self, Suggest.self,
            Allow.self, Deny.self, Mode.self, Reload.self, SystemResolverCommand.self, Doctor.self,
        ])
}
