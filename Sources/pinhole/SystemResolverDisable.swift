import ArgumentParser
import SystemResolver

/// `pinhole system-resolver disable`: every file back byte for byte,
/// stopped services started again, the manifest deleted; a file changed
/// since enable stops it unless `--force`.
struct SystemResolverDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Put back every file enable changed (byte for byte) and restart what it stopped.",
        discussion: HelpText.systemResolverDisable)

    @OptionGroup var options: SystemResolverOptions
    @Flag(help: "Restore the backups even over files changed since enable (their current versions are saved in the state directory first).")
    var force = false

    func run() throws {
        let resolverSwitch = options.resolverSwitch
        let manifest = try resolverSwitch.manifest()
        guard let outcome = try resolverSwitch.disable(force: force) else {
            print("pinhole is not the system resolver (no manifest in \(resolverSwitch.stateDirectory)); nothing changed.")
            return
        }
        if !outcome.driftChecked {
            print("note: the manifest is from an older pinhole that did not record what enable wrote; files changed since enable were not looked for")
        }
        for saved in outcome.saved {
            print("\(saved.drift.sentence); " + (saved.copy.map { "its current version is saved as \($0)" } ?? "nothing to save"))
        }
        for step in manifest?.steps.reversed() ?? [] where step.done {
            if let path = step.path { print("restored \(path) (\(step.previous?.kind.rawValue ?? "?") before)") }
            if let undo = step.service?.undoCommandLine { print("ran \(undo)") }
        }
        if outcome.problems.isEmpty {
            print("disabled: the system resolver is as it was before enable")
        } else {
            for problem in outcome.problems { print("error: \(problem)") }
            throw ExitCode.failure
        }
    }
}
