/// What /etc/resolv.conf is, judged from its symlink target (if it is one):
/// who manages it decides how pinhole must take it over.
public enum ResolvConfState: Sendable, Equatable, CustomStringConvertible {
    /// A symlink to systemd-resolved's stub file (nameserver 127.0.0.53).
    case resolvedStub(target: String)
    /// A symlink to systemd-resolved's uplink file (the real upstreams).
    case resolvedUplink(target: String)
    /// A symlink to the static file systemd ships (/usr/lib/systemd/resolv.conf).
    case resolvedStatic(target: String)
    /// A symlink into resolvconf's run directory (Debian resolvconf, openresolv).
    case resolvconf(target: String)
    /// A symlink somewhere else.
    case otherSymlink(target: String)
    /// A regular file (written by hand, by NetworkManager, by DHCP scripts, or by pinhole).
    case regularFile
    /// No file.
    case absent

    /// Classifies a resolv.conf from its symlink target (nil: not a symlink)
    /// and whether it exists at all.
    public init(symlinkTarget: String?, exists: Bool) {
        guard let target = symlinkTarget else {
            self = exists ? .regularFile : .absent
            return
        }
        let normalized = Self.normalize(target)
        switch normalized {
        case "/run/systemd/resolve/stub-resolv.conf": self = .resolvedStub(target: target)
        case "/run/systemd/resolve/resolv.conf": self = .resolvedUplink(target: target)
        case "/usr/lib/systemd/resolv.conf", "/lib/systemd/resolv.conf": self = .resolvedStatic(target: target)
        default:
            if normalized.hasPrefix("/run/resolvconf/") || normalized.hasPrefix("/etc/resolvconf/") {
                self = .resolvconf(target: target)
            } else {
                self = .otherSymlink(target: target)
            }
        }
    }

    /// True for every symlink into systemd-resolved's files.
    public var isResolvedLink: Bool {
        switch self {
        case .resolvedStub, .resolvedUplink, .resolvedStatic: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .resolvedStub(let target): return "a symlink to systemd-resolved's stub file (\(target))"
        case .resolvedUplink(let target): return "a symlink to systemd-resolved's uplink file (\(target))"
        case .resolvedStatic(let target): return "a symlink to systemd's static file (\(target))"
        case .resolvconf(let target): return "a symlink managed by resolvconf (\(target))"
        case .otherSymlink(let target): return "a symlink to \(target)"
        case .regularFile: return "a regular file"
        case .absent: return "missing"
        }
    }

    /// `target` as an absolute path from /etc (where resolv.conf lives),
    /// with `.`/`..` resolved lexically: "../run/x" → "/run/x".
    static func normalize(_ target: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : ["etc"]
        for part in target.split(separator: "/") {
            switch part {
            case ".", "": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
