import ArgumentParser
import Foundation
import PinholeDaemon
import SystemResolver

/// `pinhole doctor`: checks that DNS on this machine really flows through
/// pinhole and prints each finding with its fix; exits 1 when one fails.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that DNS on this machine really flows through pinhole; print each finding with the fix.",
        discussion: HelpText.doctor)

    @OptionGroup var options: SystemResolverOptions
    @Option(help: ArgumentHelp("pinholed's control socket (default: the config's control.socket).", valueName: "path"))
    var socket: String?
    @Flag(help: "Print the findings as JSON.") var json = false

    func run() async throws {
        let config: DaemonConfig
        let configPath = options.files.hostPath(options.config)
        if FileManager.default.fileExists(atPath: configPath) {
            config = try ConfigLoader.load(path: configPath)
        } else {
            config = .defaults
        }
        let checks = DoctorChecks(
            files: options.files, paths: options.paths, config: config, controlSocket: socket ?? config.control.socket,
            manifest: try? options.resolverSwitch.manifest())
        let findings = await checks.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(findings), as: UTF8.self))
        } else {
            for finding in findings { print(finding.text, terminator: "") }
        }
        let failed = findings.filter { $0.status == .failed }.count
        if !json { print(failed == 0 ? "all checks passed" : "\(failed) check(s) failed") }
        if failed > 0 { throw ExitCode.failure }
    }
}
