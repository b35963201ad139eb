/// Whether the file a process was started from is still the one on disk.
public enum ExecutableState: String, Sendable, Hashable {
    /// The path still names the file that is running.
    case present
    /// The file was unlinked after the process started (" (deleted)").
    case deleted
    /// The path now names a different file (an upgrade replaced it).
    case replaced
}
