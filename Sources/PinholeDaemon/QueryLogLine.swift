import DNSWire
import Logging
import PinholeCore

/// Logs every answered query as one line naming the app that asked: app
/// key, pid, executable, unit, cgroup, name, type, rcode. Values with spaces
/// or quotes are quoted. At `info` when the query-log database is off, at
/// `debug` when the database keeps the record.
struct QueryLogLine: QueryLogSink {
    let logger: Logger
    var level: Logger.Level = .info

    var isEnabled: Bool { logger.logLevel <= level }

    func record(_ entry: consuming QueryLogEntry) {
        let attribution = entry.attribution
        var metadata: Logger.Metadata = [
            "app": .string(Self.quoted(attribution.appKey)),
            "qname": .string(Self.quoted(entry.questionName)),
            "qtype": .string(DNSMnemonic.type(entry.request.query.question.type)),
            "rcode": .string(DNSMnemonic.rcode(entry.rcode)),
            "transport": .string(entry.request.transport.rawValue),
            "client": .string(entry.request.client.description),
            "source": .string(Self.quoted(entry.source.description)),
        ]
        if let app = attribution.app {
            metadata["pid"] = .string(String(app.pid))
            metadata["exe"] = .string(Self.quoted(app.executable + (app.executableState == .present ? "" : " (\(app.executableState))")))
            metadata["unit"] = .string(Self.quoted(app.unit ?? "-"))
            if let userUnit = app.userUnit { metadata["user_unit"] = .string(Self.quoted(userUnit)) }
            metadata["cgroup"] = .string(Self.quoted(app.cgroupPath))
            metadata["uid"] = .string(String(app.uid))
        } else if let reason = attribution.reason {
            metadata["reason"] = .string(reason.rawValue)
        }
        if let decision = entry.decision {
            metadata["decision"] = .string(decision.allowed ? "allowed" : "blocked")
            metadata["profile"] = .string(Self.quoted(decision.profile))
            metadata["why"] = .string(Self.quoted(decision.reason.description))
        }
        if let socket = attribution.socket {
            metadata["socket_cgroup_id"] = .string(String(socket.cgroupID))
        }
        logger.log(level: level, "query", metadata: metadata)
    }

    /// `text` as is when it is one plain token, else in double quotes with
    /// `"` and `\` escaped, so a log line splits into key=value pairs.
    static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x7F }
        if plain { return text }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
