/// A command nft refused (or a context it could not make): the script as
/// sent and nft's own error text, which names the line and marks the spot.
public struct NftablesError: Error, Equatable, CustomStringConvertible {
    /// The script that failed ("" when no context could be made).
    public let command: String
    /// What nft said on its error stream.
    public let message: String

    public init(command: String, message: String) {
        self.command = command
        self.message = message
    }

    public var description: String {
        let what = command.count > 300 ? String(command.prefix(300)) + "…" : command
        return "nft failed: \(message.trimmingTrailingNewlines)\n  command: \(what)"
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
