import ArgumentParser
import PinholeDaemon
import SystemResolver

/// The options every `system-resolver` subcommand and `doctor` share:
/// where the system is (`--root` for tests), where the backups go, which
/// systemctl to call, which pinhole config.
struct SystemResolverOptions: ParsableArguments {
    @Option(help: ArgumentHelp("pinholed's configuration file.", valueName: "file"))
    var config: String = ConfigLoader.defaultPath
    @Option(help: ArgumentHelp("Treat this directory as / (for tests and images); every path is taken below it.", valueName: "dir"))
    var root: String = ""
    @Option(help: ArgumentHelp("Where backups and the manifest are kept (default: <root>/var/lib/pinhole/system-resolver).", valueName: "dir"))
    var stateDir: String?
    @Option(help: ArgumentHelp("The systemctl to run (default: $PINHOLE_SYSTEMCTL, else /usr/bin/systemctl).", valueName: "path"))
    var systemctl: String?

    func validate() throws {
        if !root.isEmpty && !root.hasPrefix("/") { throw ValidationError("--root must be an absolute path, not \"\(root)\"") }
        if !config.hasPrefix("/") { throw ValidationError("--config must be an absolute path (it is written into the system), not \"\(config)\"") }
    }

    var files: SystemFiles { SystemFiles(root: root) }
    var paths: SystemPaths { SystemPaths(pinholeConfig: config) }
    var stateDirectory: String { stateDir ?? (files.root + "/var/lib/pinhole/system-resolver") }
    var runner: Systemctl { Systemctl.resolve(option: systemctl) }
    var resolverSwitch: ResolverSwitch { ResolverSwitch(files: files, stateDirectory: stateDirectory, systemctl: runner) }
    var probe: SystemProbe { SystemProbe(files: files, paths: paths, systemctl: runner) }
}
