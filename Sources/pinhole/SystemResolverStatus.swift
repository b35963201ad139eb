import ArgumentParser
import SystemResolver

/// `pinhole system-resolver status`: enabled (which mode, since when,
/// upstreams) or not, and what the machine looks like now.
struct SystemResolverStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Tell whether pinhole is the system resolver, in which mode, and what resolv.conf, resolved and nsswitch look like.",
        discussion: HelpText.systemResolverStatus)

    @OptionGroup var options: SystemResolverOptions

    func run() throws {
        if let manifest = try options.resolverSwitch.manifest() {
            let state = manifest.state == .enabled ? "enabled" : "partly enabled (enable was interrupted; run disable)"
            print("system resolver: pinhole, \(state), mode \(manifest.mode.rawValue), since \(manifest.date)")
            print("upstreams: \(manifest.upstreams.joined(separator: ", "))")
            print("changed: \(manifest.steps.compactMap(\.path).joined(separator: ", "))")
            if let drifts = try options.resolverSwitch.drift(of: manifest) {
                for drift in drifts { print("drift: \(drift.sentence); disable will stop unless --force") }
                if drifts.isEmpty { print("drift: none (every file is as enable left it)") }
            } else {
                print("drift: not checked (the manifest is from an older pinhole that did not record what enable wrote)")
            }
        } else {
            print("system resolver: not pinhole (system-resolver enable has not run)")
        }
        let facts = try options.probe.facts()
        print("resolv.conf: \(facts.resolvConf)\(facts.resolvConfNamesPinhole ? ", names pinhole" : "")")
        print("systemd-resolved: \(facts.resolvedActive ? "active" : "not active")")
        print("nsswitch hosts: \(facts.nsswitch?.hostsTokens?.joined(separator: " ") ?? "(no hosts line)")")
        if facts.networkManagerActive {
            print("NetworkManager: active, dns=\(facts.networkManager.dns ?? "default"), rc-manager=\(facts.networkManager.rcManager ?? "default")")
        }
    }
}
