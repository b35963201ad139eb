import ArgumentParser
import SystemResolver

/// `pinhole system-resolver disable`: every file back byte for byte,
/// stopped services started again, the manifest deleted.
struct SystemResolverDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Put back every file enable changed (byte for byte) and restart what it stopped.",
        discussion: HelpText.systemResolverDisable)

    @OptionGroup var options: SystemResolverOptions

    func run() throws {
        let resolverSwitch = options.resolverSwitch
        let manifest = try resolverSwitch.manifest()
        guard let problems = try resolverSwitch.disable() else {
            print("pinhole is not the system resolver (no manifest in \(resolverSwitch.stateDirectory)); nothing changed.")
            return
        }
        for step in manifest?.steps.reversed() ?? [] where step.done {
            if let path = step.path { print("restored \(path) (\(step.previous?.kind.rawValue ?? "?") before)") }
            if let undo = step.service?.undoCommandLine { print("ran \(undo)") }
        }
        if problems.isEmpty {
            print("disabled: the system resolver is as it was before enable")
        } else {
            for problem in problems { print("error: \(problem)") }
            throw ExitCode.failure
        }
    }
}
