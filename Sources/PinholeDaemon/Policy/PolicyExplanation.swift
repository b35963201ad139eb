import DNSWire
import PinholeCore

/// `pinhole why`: a decision and every rule that was weighed, in words.
public enum PolicyExplanation {
    /// The explanation of `policy`'s decision for `name` (type `type`) asked by `app`.
    public static func text(policy: CompiledPolicy, app: AppIdentity?, name: PolicyName, type: UInt16) -> String {
        let decision = policy.decide(app: app, name: name, type: type)
        let who = app.map { "\($0.key)" + ($0.pid > 0 ? " (pid \($0.pid))" : "") } ?? "unknown app"
        var lines = ["\(who) asks \(name.text) \(DNSMnemonic.type(type))"]
        let profile = policy.profiles.profiles.first { $0.name == decision.profile } ?? policy.profiles.defaultProfile
        lines.append("  profile:  \(decision.profile) (\(profile.file ?? "built-in")), mode \(decision.mode.rawValue)")
        lines.append("  decision: \(decision.allowed ? "ALLOWED" : "BLOCKED") by \(decision.reason)")
        if !decision.allowed {
            lines.append("  answer:   \(decision.reply.rawValue), TTL \(policy.blockTTL) s")
        }
        if decision.considered.isEmpty {
            lines.append("  rules:    none matched")
        } else {
            lines.append("  rules that matched, strongest first:")
            for (index, hit) in decision.considered.enumerated() { lines.append("    \(index + 1). \(hit)") }
        }
        if !profile.lists.isEmpty {
            lines.append("  lists applied: \(profile.lists.map(\.value).joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
