import PinholeCore

/// Reads `[policy]`'s profiles and lists into one compiled policy; used by
/// pinholed (start and reload) and by `pinhole why` / `pinhole lists`, so
/// the CLI explains with the daemon's own code.
public enum PolicyLoader {
    /// The list formats by file extension in `lists_dir`.
    static let formats: [(suffix: String, format: ListFormat)] = [
        (".txt", .plain), (".domains", .plain), (".hosts", .hosts), (".adblock", .adblock),
        (".dnsmasq", .dnsmasq), (".wildcard", .wildcard),
    ]
    /// Where lists are looked for unless configured otherwise (beside the
    /// installed binaries, see `InstallLayout`).
    public static var defaultListsDirectory: String { InstallLayout.listsDirectory }

    /// Loads everything `settings` names; every error of every file at once.
    public static func load(_ settings: DaemonConfig.Policy) throws(PolicyLoadError) -> LoadedPolicy {
        var errors: [ConfigError] = []
        var warnings: [String] = []
        let psl = RegistrableDomain()
        if psl == nil { warnings.append("libpsl could not be loaded: vendor domains and first-party mode cannot work") }
        let registrable: @Sendable (PolicyName) -> PolicyName?
        if let psl { registrable = psl.function } else { registrable = { _ in nil } }

        var profiles = ProfileSet(profiles: [])
        do {
            profiles = try ProfileLoader.load(directory: settings.profilesDir, registrable: registrable)
        } catch {
            errors += error.errors
        }

        var lists: [PolicyList] = []
        do {
            for path in try ProfileDirectory.files(in: settings.listsDir, suffixes: formats.map(\.suffix)) {
                let file = String(path.split(separator: "/").last ?? "")
                guard let (suffix, format) = formats.first(where: { file.hasSuffix($0.suffix) }) else { continue }
                let name = String(file.dropLast(suffix.count))
                do {
                    lists.append(try ListLoader().load(ListSource(name: name, path: path, format: format)))
                } catch {
                    errors.append(ConfigError(file: path, message: error.description))
                }
            }
        } catch {
            if error.isMissing && settings.listsDir == defaultListsDirectory {
                warnings.append("no lists: \(settings.listsDir) does not exist")
            } else {
                errors.append(ConfigError(file: settings.listsDir, key: "policy.lists_dir", message: "cannot read the lists folder: \(error.reason)"))
            }
        }
        for list in lists where list.statistics.rejectedCount > 0 {
            let statistics = list.statistics
            let first = statistics.rejected.prefix(3).map { "\($0)" }.joined(separator: "; ")
            warnings.append("list \(list.name): \(statistics.rejectedCount) line(s) rejected (first: \(first))")
        }

        // A profile naming a list that is not there is most likely a typo.
        let known = Set(lists.map(\.name)).union(lists.compactMap(\.category))
        for profile in profiles.profiles {
            for list in profile.lists where !known.contains(list.value) {
                errors.append(ConfigError(
                    file: list.source.file, line: list.source.line, key: "lists",
                    message: "no list named \"\(list.value)\" in \(settings.listsDir) (known: \(known.sorted().joined(separator: ", ")))"))
            }
        }
        for ambiguity in profiles.ambiguities {
            errors.append(ConfigError(file: settings.profilesDir, message: "\(ambiguity)"))
        }
        guard errors.isEmpty else { throw PolicyLoadError(errors) }

        let policy = CompiledPolicy(
            profiles: profiles, lists: DomainSet(lists: lists),
            special: SpecialNames(canaries: settings.canaries, discovery: settings.resolverDiscovery),
            defaultBlockReply: settings.blockReply, blockTTL: UInt32(settings.blockTTL), registrable: registrable)
        return LoadedPolicy(policy: policy, lists: lists, warnings: warnings)
    }
}
