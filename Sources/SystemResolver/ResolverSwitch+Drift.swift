import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ResolverSwitch {
    /// The files enable wrote that differ now from what it left (contents,
    /// kind, symlink target, mode or owner), in the manifest's order; nil
    /// for a version 1 manifest, which did not record what it wrote.
    public func drift(of manifest: BackupManifest) throws(SystemResolverError) -> [FileDrift]? {
        guard manifest.recordsWrittenFiles else { return nil }
        var drifts: [FileDrift] = []
        var seen: Set<String> = []
        // A path written twice is checked against its last write only.
        for step in manifest.steps.reversed() where step.done {
            guard let path = step.path, let written = step.written, seen.insert(path).inserted else { continue }
            let (now, bytes) = try files.snapshot(path)
            var contentsDiffer = false
            if written.kind == .regular, now.kind == .regular {
                let left = try step.writtenCopy.map { name throws(SystemResolverError) in try readBackup(name) }
                contentsDiffer = left != bytes
            }
            if let change = FileDrift.change(from: written, to: now, contentsDiffer: contentsDiffer) {
                drifts.insert(FileDrift(path: path, written: written, now: now, change: change), at: 0)
            }
        }
        return drifts
    }

    /// The state directory's folder for copies of files changed after
    /// enable, one per disable ("changed-after-enable-20261127T012600Z").
    func savedDirectory(now: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return stateDirectory + "/changed-after-enable-" + formatter.string(from: now)
    }

    /// Copies each drifted file (bytes and mode, or the symlink) below
    /// `savedDirectory`, mirroring its path; the backups are removed by
    /// disable, these stay.
    func save(_ drifts: [FileDrift], now: Date) throws(SystemResolverError) -> [DisableOutcome.SavedCopy] {
        guard !drifts.isEmpty else { return [] }
        let copies = SystemFiles(root: savedDirectory(now: now))
        do {
            try FileManager.default.createDirectory(atPath: copies.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SystemResolverError("cannot create \(copies.root) to save the files changed after enable: \(error.localizedDescription); nothing was changed")
        }
        var saved: [DisableOutcome.SavedCopy] = []
        for drift in drifts {
            let (state, bytes) = try files.snapshot(drift.path)
            guard state.kind != .absent else {
                saved.append(.init(drift: drift, copy: nil))
                continue
            }
            _ = try copies.makeParents(of: drift.path)
            try copies.restore(drift.path, to: FileState(kind: state.kind, target: state.target, mode: state.mode, size: state.size), bytes: bytes)
            saved.append(.init(drift: drift, copy: copies.hostPath(drift.path)))
        }
        return saved
    }
}
