import PinholeCore

/// Loads the per-app profiles: one TOML file per app in a directory
/// (`NAME.toml`, the profile's name is the file stem); `default.toml`, if
/// present, replaces the built-in default profile.
///
/// Every problem of every file is collected, each with file:line and key,
/// and so are ambiguous pairs of profiles (see `ProfileSet`); any problem
/// fails the whole load, so a caller keeps its running policy.
public enum ProfileLoader {
    /// Where pinholed looks unless configured otherwise.
    public static let defaultDirectory = "/etc/pinhole/apps.d"

    /// Reads every profile in `directory`. A missing directory is an error,
    /// except at `defaultDirectory`, where it means "no profiles".
    /// `registrable` (libpsl's eTLD+1) checks `vendor` entries; nil skips that check.
    public static func load(
        directory: String = defaultDirectory, registrable: ((PolicyName) -> PolicyName?)?
    ) throws(ProfileLoadError) -> ProfileSet {
        let paths: [String]
        do {
            paths = try ProfileDirectory.files(in: directory)
        } catch {
            if error.isMissing && directory == defaultDirectory { return ProfileSet(profiles: []) }
            throw ProfileLoadError([ConfigError(file: directory, message: "cannot read the profile directory: \(error.reason)")])
        }
        var files: [(path: String, text: String)] = []
        var errors: [ConfigError] = []
        for path in paths {
            do {
                files.append((path, try TextFile.contents(of: path)))
            } catch {
                errors.append(ConfigError(file: path, message: "cannot read the profile: \(error.reason)"))
            }
        }
        do {
            let set = try parse(files: files, registrable: registrable)
            if errors.isEmpty { return set }
        } catch {
            errors += error.errors
        }
        throw ProfileLoadError(errors.sorted { ($0.file ?? "", $0.line ?? 0) < ($1.file ?? "", $1.line ?? 0) })
    }

    /// Parses profile files given as (path, contents); the file stem of
    /// each path is the profile's name.
    public static func parse(
        files: [(path: String, text: String)], registrable: ((PolicyName) -> PolicyName?)?
    ) throws(ProfileLoadError) -> ProfileSet {
        var errors: [ConfigError] = []
        var profiles: [AppProfile] = []
        var defaultProfile: AppProfile?
        for file in files {
            var parser = ProfileParser(text: file.text, file: file.path, name: stem(file.path), registrable: registrable)
            let profile = parser.parse()
            errors += parser.errors
            guard let profile else { continue }
            if profile.name == ProfileSchema.defaultName {
                defaultProfile = profile
            } else {
                profiles.append(profile)
            }
        }
        let set = ProfileSet(profiles: profiles, defaultProfile: defaultProfile ?? .builtinDefault)
        for ambiguity in set.ambiguities {
            let second = set.profiles.first { $0.name == ambiguity.second }
            errors.append(ConfigError(file: ambiguity.secondFile, line: second.flatMap(matchLine), key: "match", message: "match: \(ambiguity)"))
        }
        guard errors.isEmpty else { throw ProfileLoadError(errors) }
        return set
    }

    /// "firefox" for "/etc/pinhole/apps.d/firefox.toml".
    static func stem(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".toml") ? String(name.dropLast(".toml".count)) : name
    }

    /// The first line of a profile's match criteria.
    private static func matchLine(_ profile: AppProfile) -> Int? {
        let m = profile.match
        let lines = m.units.map(\.source.line) + m.executables.map(\.source.line) + m.cgroups.map(\.source.line)
            + m.users.map(\.source.line)
        return lines.filter { $0 > 0 }.min()
    }
}
