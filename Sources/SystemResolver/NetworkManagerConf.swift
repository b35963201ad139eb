/// NetworkManager's DNS settings from NetworkManager.conf and its conf.d
/// drop-ins ([main] `dns=` and `rc-manager=`; a later file wins, as in NM).
public struct NetworkManagerConf: Sendable, Equatable {
    /// [main] dns=, nil when no file sets it (NM's default: "default", or
    /// "systemd-resolved" when resolv.conf is resolved's symlink).
    public var dns: String?
    /// [main] rc-manager=, nil when no file sets it (default "symlink").
    public var rcManager: String?

    public init(dns: String? = nil, rcManager: String? = nil) {
        self.dns = dns
        self.rcManager = rcManager
    }

    /// Reads the files' texts in the order NM reads them (the main file,
    /// then conf.d in name order).
    public init(texts: [String]) {
        self.init()
        for text in texts {
            var section = ""
            for raw in text.split(whereSeparator: \.isNewline) {
                let line = raw.drop(while: { $0 == " " || $0 == "\t" })
                if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
                if line.hasPrefix("[") {
                    section = String(line.dropFirst().prefix(while: { $0 != "]" }))
                    continue
                }
                guard section == "main", let equals = line.firstIndex(of: "=") else { continue }
                let key = line[..<equals].filter { $0 != " " && $0 != "\t" }
                let value = String(line[line.index(after: equals)...].filter { $0 != " " && $0 != "\t" })
                if key == "dns" { dns = value }
                if key == "rc-manager" { rcManager = value }
            }
        }
    }

    /// True when NetworkManager would write /etc/resolv.conf itself
    /// (unless told `dns=none` or `rc-manager=unmanaged`).
    public var writesResolvConf: Bool {
        dns != "none" && rcManager != "unmanaged"
    }
}
