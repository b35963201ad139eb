/// The `user` criterion: a uid or a user name, compared with the process's real uid.
public enum UserMatch: Sendable, Hashable, CustomStringConvertible {
    case uid(UInt32)
    case name(String)

    public func matches(_ identity: AppIdentity) -> Bool {
        switch self {
        case .uid(let uid): identity.uid == uid
        case .name(let name): identity.userName == name
        }
    }

    /// Whether both can name the same user as far as can be told without
    /// the user database (a uid and a name never count as the same).
    func overlaps(_ other: UserMatch) -> Bool { self == other }

    public var description: String {
        switch self {
        case .uid(let uid): "uid \(uid)"
        case .name(let name): "user \(name)"
        }
    }
}
