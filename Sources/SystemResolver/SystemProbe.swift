import PinholeDaemon

/// Gathers `SystemFacts`: the files (under `files.root`) and systemctl's
/// answers on systemd-resolved and NetworkManager.
public struct SystemProbe: Sendable {
    public var files: SystemFiles
    public var paths: SystemPaths
    public var systemctl: Systemctl

    public init(files: SystemFiles, paths: SystemPaths, systemctl: Systemctl) {
        self.files = files
        self.paths = paths
        self.systemctl = systemctl
    }

    /// The facts; throws when pinhole.toml exists but is not valid.
    public func facts() throws(SystemResolverError) -> SystemFacts {
        let resolvConf: ResolvConfState
        do {
            let now = try files.snapshot(paths.resolvConf)
            resolvConf = ResolvConfState(symlinkTarget: now.state.target, exists: now.state.kind != .absent)
        }
        let configText = files.readText(paths.pinholeConfig)
        let config: DaemonConfig
        do {
            config = try configText.map { text throws(ConfigError) in try ConfigLoader.parse(text, file: files.hostPath(paths.pinholeConfig)) } ?? .defaults
        } catch {
            throw SystemResolverError("\(error) (fix the config first; nothing was changed)")
        }
        let resolvedActive = systemctl.isActive("systemd-resolved.service") || files.exists(paths.resolvedVarlinkSocket)
        let networkManagerActive = systemctl.isActive("NetworkManager.service")
        var managerTexts: [String] = []
        if let main = files.readText(paths.networkManagerConf) { managerTexts.append(main) }
        for name in files.list(paths.networkManagerConfDir) where name.hasSuffix(".conf") {
            if let text = files.readText(paths.networkManagerConfDir + "/" + name) { managerTexts.append(text) }
        }
        return SystemFacts(
            resolvConf: resolvConf, resolvConfText: files.readText(paths.resolvConf),
            resolvConfMode: resolvConf == .regularFile ? files.mode(paths.resolvConf) : nil,
            resolvedActive: resolvedActive, resolvedEnabled: resolvedActive && systemctl.isEnabled("systemd-resolved.service"),
            resolvedUplinkText: files.readText(paths.resolvedUplink),
            nsswitch: files.readText(paths.nsswitch).map(NsswitchConf.init(text:)), nsswitchMode: files.mode(paths.nsswitch) ?? 0o644,
            networkManagerActive: networkManagerActive, networkManager: NetworkManagerConf(texts: managerTexts),
            pinholeConfigText: configText, pinholeConfig: config, varlinkSupported: Self.varlinkSupported)
    }

    /// True when this build's config knows `[varlink] enabled` (pinholed
    /// serves io.systemd.Resolve): asked of the config loader itself.
    public static var varlinkSupported: Bool {
        (try? ConfigLoader.parse("[varlink]\nenabled = true\n", file: "varlink probe")) != nil
    }
}
