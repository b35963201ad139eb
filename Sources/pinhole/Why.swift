import ArgumentParser
import DNSWire
import Foundation
import PinholeCore
import PinholeDaemon

/// `pinhole why APP DOMAIN [TYPE]`: the decision pinholed would make, and why.
struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the policy's decision for an app and a name, with every rule that matched.",
        discussion: HelpText.why)

    @Argument(help: "pid, unit, user:unit, executable path or unknown.") var app: String
    @Argument(help: "The name asked for.") var domain: String
    @Argument(help: "Record type (A, AAAA, HTTPS, … or a number).") var type: String = "A"
    @Option(help: ArgumentHelp("Configuration file.", valueName: "file")) var config: String = ConfigLoader.defaultPath

    func run() throws {
        do {
            guard let name = PolicyName(domain) else { throw CLIError("\"\(domain)\" is not a valid domain name") }
            guard let qtype = DNSMnemonic.typeValue(type) else { throw CLIError("\"\(type)\" is not a record type") }
            let identity = try AppSpecifier.identity(app)
            let settings = try ConfigLoader.load(path: config).policy
            let loaded = try PolicyLoader.load(settings)
            print(PolicyExplanation.text(policy: loaded.policy, app: identity, name: name, type: qtype))
        } catch {
            FileHandle.standardError.write(Data("pinhole: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
