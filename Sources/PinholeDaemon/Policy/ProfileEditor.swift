import Foundation
import PinholeCore

/// Works out one policy edit of the control socket (`allow`, `deny`,
/// `mode`) on a profiles directory: which file, its old and new text
/// (`ProfileTextEdit`), checked by the real profile parser. It writes
/// nothing; `PolicyControl` writes, reloads and rolls back.
struct ProfileEditor {
    /// What to change in the profile.
    enum Change: Sendable, Equatable {
        case rule(ProfileTextEdit.ArrayKey, String, remove: Bool)
        case mode(PolicyMode)
    }

    /// One edit, worked out.
    struct Plan: Sendable {
        var app: String
        var path: String
        /// The file's bytes before; nil when the file is to be created.
        var old: String?
        var new: String
        var line: Int
        var changed: Bool
    }

    let directory: String
    var registrable: ((PolicyName) -> PolicyName?)?
    /// For the "created by" comment of a new profile.
    var today: () -> String = { ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate]) }

    /// The change a request asks for.
    /// - Throws: `ControlErrorReply` saying what is missing or wrong.
    static func change(of request: ControlProtocol.Request) throws(ControlErrorReply) -> Change {
        switch request.op {
        case .allow, .deny:
            guard let domain = request.domain, !domain.isEmpty else { throw ControlErrorReply("\(request.op.rawValue): no domain given") }
            let remove = request.remove ?? false
            if !remove {
                do {
                    _ = try DomainRule(parsing: domain, source: RuleSource(file: "request", line: 0))
                } catch {
                    throw ControlErrorReply("\(request.op.rawValue) \(domain): not a rule a profile accepts: \(error)")
                }
            }
            return .rule(request.op == .allow ? .allow : .deny, domain, remove: remove)
        case .mode:
            guard let text = request.mode, let mode = PolicyMode(rawValue: text) else {
                throw ControlErrorReply("mode: expected one of \(PolicyMode.names), got \(request.mode.map { "\"\($0)\"" } ?? "nothing")")
            }
            return .mode(mode)
        case .follow, .status, .reload:
            throw ControlErrorReply("\(request.op.rawValue) is not a profile edit")
        }
    }

    /// The edit of `app`'s profile. A unit name (`x.service`, `x.scope`)
    /// without a profile gets a new one matching that unit.
    /// - Throws: `ControlErrorReply` (no such profile with the close names, a file that cannot be edited or would not load).
    func plan(app: String, change: Change) throws(ControlErrorReply) -> Plan {
        guard !app.isEmpty, !app.contains("/"), !app.hasPrefix("."), !app.contains("\0") else {
            throw ControlErrorReply("app \"\(app)\": expected a profile name (a file stem in \(directory)) or a unit name")
        }
        let path = directory.hasSuffix("/") ? "\(directory)\(app).toml" : "\(directory)/\(app).toml"
        let old: String?
        if FileManager.default.fileExists(atPath: path) {
            do {
                old = try TextFile.contents(of: path)
            } catch {
                throw ControlErrorReply("\(path): cannot read the profile: \(error.reason)")
            }
        } else if Self.isUnitName(app) {
            if case .rule(_, let domain, remove: true) = change {
                throw ControlErrorReply("\(app): no profile \(path), so \(domain) is not in it")
            }
            old = nil
        } else {
            throw ControlErrorReply(noProfile(app))
        }
        let base = old ?? newProfile(unit: app)
        let edited: ProfileTextEdit.Result
        do {
            switch change {
            case .rule(let key, let domain, remove: false): edited = try ProfileTextEdit.adding(domain, to: key, in: base)
            case .rule(let key, let domain, remove: true): edited = try ProfileTextEdit.removing(domain, from: key, in: base)
            case .mode(let mode): edited = try ProfileTextEdit.settingMode(mode.rawValue, in: base)
            }
        } catch {
            throw ControlErrorReply("\(path)\(error.line.map { ":\($0)" } ?? ""): cannot edit the profile: \(error.message)")
        }
        do {
            _ = try ProfileLoader.parse(files: [(path, edited.text)], registrable: registrable)
        } catch {
            throw ControlErrorReply("\(path): the edited profile would not load, nothing written:\n\(error)")
        }
        return Plan(app: app, path: path, old: old, new: edited.text, line: edited.line, changed: edited.changed || old == nil)
    }

    /// `firefox.service`, `app-x.scope`: systemd unit names a new profile may be made for.
    static func isUnitName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return false }
        let suffix = name[name.index(after: dot)...]
        return (suffix == "service" || suffix == "scope")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ":-_.@\\".contains($0)) }
    }

    private func newProfile(unit: String) -> String {
        "# Created by `pinhole allow` (the control socket) on \(today()) for the unit \(unit).\n\n[match]\nunit = [\(ProfileTextEdit.quoted(unit))]\n"
    }

    /// "no profile "firefx" in /etc/pinhole/apps.d; close: firefox, firefox-esr".
    private func noProfile(_ app: String) -> String {
        let names = ((try? ProfileDirectory.files(in: directory)) ?? []).map(ProfileLoader.stem)
        let lower = app.lowercased()
        let close = names.filter { name in
            let other = name.lowercased()
            return other.contains(lower) || lower.contains(other) || Self.distance(other, lower) <= max(2, lower.count / 4)
        }
        let hint = close.isEmpty
            ? (names.isEmpty ? "" : "; profiles: \(names.prefix(12).joined(separator: ", "))")
            : "; close: \(close.prefix(8).joined(separator: ", "))"
        return "no profile \"\(app)\" in \(directory)\(hint) (a unit name such as \(app).service creates one)"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
