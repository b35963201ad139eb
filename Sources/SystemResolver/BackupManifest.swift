import Foundation

/// The record of one `system-resolver enable` in the state directory
/// (`manifest.json`): every file it changed with what it was before
/// (bytes in `files/N`) and what it left there (bytes in `files/written-N`,
/// from version 2 on), every systemctl call with its undo, in the order
/// they were made. `disable` undoes the done steps in reverse and deletes it.
public struct BackupManifest: Sendable, Equatable, Codable {
    /// applying: enable is (or was, if interrupted) under way; enabled: done.
    public enum State: String, Sendable, Codable {
        case applying, enabled
    }

    /// One step and whether it was carried out.
    public struct Step: Sendable, Equatable, Codable {
        /// The file changed (with `previous` and its backup), or nil.
        public var path: String?
        public var previous: FileState?
        /// The backup file's name in `files/`, for regular files.
        public var backup: String?
        /// What enable left at `path` once written, or nil (not written,
        /// or a version 1 manifest, which did not record it).
        public var written: FileState?
        /// The name in `files/` of the bytes enable left at `path`.
        public var writtenCopy: String?
        /// The directories created for the file, outermost first.
        public var createdDirectories: [String]
        /// The systemctl call, or nil.
        public var service: ServiceAction?
        public var done: Bool
    }

    /// 2 records what enable wrote (`Step.written`), so `disable` can see
    /// files changed since; 1 did not.
    public var version = BackupManifest.currentVersion
    public var mode: ResolverMode
    public var state: State
    /// When enable ran (ISO 8601).
    public var date: String
    /// The upstreams adopted.
    public var upstreams: [String]
    public var steps: [Step]

    public init(mode: ResolverMode, state: State, date: String, upstreams: [String], steps: [Step]) {
        self.mode = mode
        self.state = state
        self.date = date
        self.upstreams = upstreams
        self.steps = steps
    }

    /// The version this pinhole writes.
    public static let currentVersion = 2

    /// True when the manifest records what enable wrote (version 2 on).
    public var recordsWrittenFiles: Bool { version >= 2 }

    /// The manifest's file name in the state directory.
    public static let fileName = "manifest.json"

    /// Pretty JSON, keys sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
