import CPsl
import PinholeCore

/// The registrable domain (eTLD+1) of a name, from the Public Suffix List
/// through libpsl: `registrable("www.bbc.co.uk") == "bbc.co.uk"`.
///
/// Uses the newest list on the system (`psl_latest`: Debian's
/// /usr/share/publicsuffix from the `publicsuffix` package, when newer than
/// libpsl's built-in copy), else the built-in copy. Private suffixes count
/// (`user.github.io` is its own registrable domain). Lookups only read the
/// loaded list, so one instance is shared by all threads.
public final class RegistrableDomain: @unchecked Sendable {
    private let context: OpaquePointer
    private let owned: Bool
    /// Which data is in use: the file libpsl loaded, or "built-in".
    public let dataSource: String

    /// Loads the list; nil only when libpsl has neither a file nor built-in data.
    public init?() {
        if let latest = psl_latest(nil) {
            context = latest
            owned = true
            dataSource = psl_dist_filename().map { String(cString: $0) } ?? "system list"
        } else if let builtin = psl_builtin() {
            context = builtin
            owned = false
            dataSource = "built-in"
        } else {
            return nil
        }
    }

    deinit {
        if owned { psl_free(context) }
    }

    /// The registrable domain of `name`; nil for a public suffix itself
    /// ("co.uk", "github.io", a bare TLD) or the root.
    public func registrable(_ name: PolicyName) -> PolicyName? {
        guard !name.text.isEmpty else { return nil }
        return name.text.withCString { start -> PolicyName? in
            guard let found = psl_registrable_domain(context, start) else { return nil }
            // libpsl returns a pointer into the input: the suffix of the name that is registrable.
            return PolicyName(String(cString: found))
        }
    }

    /// `registrable` as the closure PinholeCore takes.
    public var function: @Sendable (PolicyName) -> PolicyName? {
        { [self] name in registrable(name) }
    }
}
