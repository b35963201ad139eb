import Foundation

/// Carries out a `SwitchPlan` with a backup of every file first, rolls
/// back on failure, and undoes it all on `disable`. The state directory
/// holds `manifest.json` and `files/N` (the previous bytes).
public struct ResolverSwitch: Sendable {
    public var files: SystemFiles
    /// A path on this machine (not under `files.root`).
    public var stateDirectory: String
    public var systemctl: Systemctl

    public init(files: SystemFiles, stateDirectory: String, systemctl: Systemctl) {
        self.files = files
        self.stateDirectory = stateDirectory
        self.systemctl = systemctl
    }

    /// What `enable` did.
    public enum EnableOutcome: Sendable, Equatable {
        case enabled
        /// A manifest was there already: nothing was changed.
        case alreadyEnabled(BackupManifest)
    }

    var manifestPath: String { stateDirectory + "/" + BackupManifest.fileName }
    var backupDirectory: String { stateDirectory + "/files" }

    /// The manifest, or nil when pinhole is not the system resolver.
    public func manifest() throws(SystemResolverError) -> BackupManifest? {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { return nil }
        do {
            return try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch {
            throw SystemResolverError("cannot read the backup manifest \(manifestPath): \(error)")
        }
    }

    /// Backs up every file of `plan`, then carries out its steps in order;
    /// on the first failure undoes what was done and throws.
    public func enable(_ plan: SwitchPlan, now: Date = Date()) throws(SystemResolverError) -> EnableOutcome {
        if let existing = try manifest() { return .alreadyEnabled(existing) }
        try makeStateDirectory()
        var manifest = BackupManifest(
            mode: plan.mode, state: .applying, date: ISO8601DateFormatter().string(from: now),
            upstreams: plan.upstreams.map(\.description), steps: [])
        var backups = 0
        for step in plan.steps {
            switch step {
            case .file(let change):
                let (state, bytes) = try files.snapshot(change.path)
                var name: String?
                if let bytes {
                    backups += 1
                    name = String(backups)
                    try writeBackup(bytes, name: name!)
                }
                manifest.steps.append(.init(path: change.path, previous: state, backup: name, createdDirectories: [], service: nil, done: false))
            case .service(let action):
                manifest.steps.append(.init(path: nil, previous: nil, createdDirectories: [], service: action, done: false))
            }
        }
        try save(manifest)
        for (index, step) in plan.steps.enumerated() {
            do {
                switch step {
                case .file(let change):
                    manifest.steps[index].createdDirectories = try files.makeParents(of: change.path)
                    manifest.steps[index].done = true  // a created directory is undone even if the write fails
                    let previous = manifest.steps[index].previous
                    // A replaced regular file keeps its owner; a new one is the writer's (root).
                    try files.write(change.path, bytes: Data(change.contents.utf8), mode: change.mode, uid: previous?.uid, gid: previous?.gid)
                    // What is there now (owner and mode as the system made them), so disable can tell a later change.
                    let (written, bytes) = try files.snapshot(change.path)
                    if let bytes {
                        manifest.steps[index].writtenCopy = "written-\(index + 1)"
                        try writeBackup(bytes, name: "written-\(index + 1)")
                    }
                    manifest.steps[index].written = written
                case .service(let action):
                    // Marked first: a failed restart or stop is undone too (the unit may be down now).
                    manifest.steps[index].done = true
                    try save(manifest)
                    try systemctl.check(action.arguments)
                }
                try save(manifest)
            } catch {
                let problems = undo(manifest)
                // Backups are kept only while a file could not be put back.
                let fileProblems = problems.filter { $0.hasPrefix("file ") }
                if fileProblems.isEmpty { removeState() }
                let what: String
                switch step {
                case .file(let change): what = "writing \(files.hostPath(change.path))"
                case .service(let action): what = action.commandLine
                }
                let outcome =
                    fileProblems.isEmpty
                    ? "everything done before it was rolled back"
                        + (problems.isEmpty ? "" : ", but undoing a service call failed: \(problems.joined(separator: "; "))")
                    : "rolling back failed too: \(problems.joined(separator: "; ")); the backups are kept in \(stateDirectory)"
                throw SystemResolverError("step \(index + 1) (\(what)) failed: \(error.message); \(outcome)")
            }
        }
        manifest.state = .enabled
        try save(manifest)
        return .enabled
    }

    /// Restores every file enable changed (byte for byte, symlinks as
    /// symlinks), removes what it created, undoes its systemctl calls, and
    /// deletes the manifest. nil when not enabled. A failed file restore
    /// keeps the manifest.
    ///
    /// A file changed since enable wrote it (by an admin or another tool)
    /// stops disable before anything is changed, unless `force`: then its
    /// current version is saved in the state directory first.
    /// - Throws: without `force`, an error listing each changed file and what changed.
    public func disable(force: Bool = false, now: Date = Date()) throws(SystemResolverError) -> DisableOutcome? {
        guard let manifest = try manifest() else { return nil }
        let drifts = try drift(of: manifest)
        if let drifts, !drifts.isEmpty, !force { throw SystemResolverError(FileDrift.refusal(drifts)) }
        let saved = try save(drifts ?? [], now: now)
        let problems = undo(manifest)
        if !problems.contains(where: { $0.hasPrefix("file ") }) { removeState() }
        return DisableOutcome(problems: problems, driftChecked: drifts != nil, saved: saved)
    }

    /// Undoes the done steps of `manifest` in reverse, except restarts and
    /// reloads, which run last, in their original order, once every file is
    /// back (a service restarted before its config is restored would keep
    /// the switched config); the problems met.
    func undo(_ manifest: BackupManifest) -> [String] {
        var problems: [String] = []
        var rereads: [ServiceAction] = []
        for step in manifest.steps.reversed() where step.done {
            if let path = step.path, let previous = step.previous {
                do {
                    let bytes = try step.backup.map { name throws(SystemResolverError) in try readBackup(name) }
                    // Only put back what this step changed: a file whose write failed is still the original.
                    try files.restore(path, to: previous, bytes: bytes)
                } catch {
                    problems.append("file \(files.hostPath(path)): \(error.message)")
                }
                for directory in step.createdDirectories.reversed() { files.removeDirectoryIfEmpty(directory) }
            }
            if let service = step.service, !service.undo.isEmpty {
                if service.undoRereadsFiles {
                    rereads.insert(service, at: 0)
                    continue
                }
                do {
                    try systemctl.check(service.undo)
                } catch {
                    problems.append("service: \(error.message)")
                }
            }
        }
        for service in rereads {
            do {
                try systemctl.check(service.undo)
            } catch {
                problems.append("service: \(error.message)")
            }
        }
        return problems
    }

    func makeStateDirectory() throws(SystemResolverError) {
        do {
            try FileManager.default.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SystemResolverError("cannot create the state directory \(backupDirectory): \(error.localizedDescription)")
        }
    }

    func writeBackup(_ bytes: Data, name: String) throws(SystemResolverError) {
        let path = backupDirectory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw SystemResolverError("cannot write the backup \(path)")
        }
    }

    func readBackup(_ name: String) throws(SystemResolverError) -> Data {
        let path = backupDirectory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else { throw SystemResolverError("the backup \(path) is missing") }
        return data
    }

    func save(_ manifest: BackupManifest) throws(SystemResolverError) {
        do {
            let data = try manifest.encoded()
            let temporary = manifestPath + ".tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, manifestPath) == 0 else { throw SystemResolverError("rename: \(String(cString: strerror(errno)))") }
        } catch {
            throw SystemResolverError("cannot write the backup manifest \(manifestPath): \(error)")
        }
    }

    /// Deletes the manifest and the backups (the state directory stays).
    func removeState() {
        try? FileManager.default.removeItem(atPath: manifestPath)
        try? FileManager.default.removeItem(atPath: backupDirectory)
    }
}
