/// What `ResolverSwitch.disable` did.
public struct DisableOutcome: Sendable, Equatable {
    /// What could not be undone (empty: everything was).
    public var problems: [String]
    /// False for a manifest written before enable recorded what it wrote
    /// (version 1): files changed since enable were overwritten unchecked.
    public var driftChecked: Bool
    /// The files changed after enable (with `force`) and where their
    /// versions were saved before the backups went back.
    public var saved: [SavedCopy]

    /// One changed file's version, kept in the state directory.
    public struct SavedCopy: Sendable, Equatable {
        public var drift: FileDrift
        /// The copy on this machine; nil when there was nothing to save (the file was removed).
        public var copy: String?
    }

    public init(problems: [String], driftChecked: Bool, saved: [SavedCopy] = []) {
        self.problems = problems
        self.driftChecked = driftChecked
        self.saved = saved
    }
}
