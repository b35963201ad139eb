import Logging

/// A swift-log handler that writes each message to the systemd journal as
/// one structured entry (sd_journal_sendv): MESSAGE, PRIORITY,
/// SYSLOG_IDENTIFIER, CODE_FILE/LINE/FUNC, PINHOLE_SOURCE (the logging
/// module), and every metadata key as
/// PINHOLE_<KEY> (so `journalctl PINHOLE_PATH=/var/lib/…` finds it).
public struct JournalLogHandler: LogHandler {
    /// The SYSLOG_IDENTIFIER of every entry.
    public let identifier: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler tagging entries with `identifier` ("pinholed").
    public init(identifier: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.identifier = identifier
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var fields: [String] = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
            // The module that logged (PinholeDaemon, ServiceLifecycle, …).
            "PINHOLE_SOURCE=\(event.source)",
        ]
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            fields.append("\(Self.fieldName(key))=\(value)")
        }
        // A journal that is gone (or full) must not stop the daemon: dropped.
        Systemd.sendJournal(fields.map { Array($0.utf8) })
    }

    /// syslog(3) priorities: swift-log's trace and debug are both LOG_DEBUG.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// A valid journal field name for metadata `key`: "PINHOLE_" + the key in
    /// upper case, every character outside A–Z and 0–9 as "_", at most 64
    /// characters (journald drops fields that break these rules).
    static func fieldName(_ key: String) -> String {
        var name = "PINHOLE_"
        for scalar in key.unicodeScalars {
            switch scalar {
            case "a"..."z": name.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9": name.unicodeScalars.append(scalar)
            default: name.append("_")
            }
        }
        return String(name.prefix(64))
    }
}
