/// What `GovernRule` says about one cgroup.
public enum GovernVerdict: Sendable, Hashable {
    /// Enforce: its sockets reach only pinned addresses.
    case govern
    /// Leave it alone.
    case leave
    /// A profile that may match it needs the executable or the user: decide
    /// again with the identity of a process in it (once it has one).
    case needsProcess
}
