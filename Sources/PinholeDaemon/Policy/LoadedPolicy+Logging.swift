import Logging

extension LoadedPolicy {
    /// Logs the warnings, then `event` ("policy loaded", "policy reloaded")
    /// with what is in force: start and reload say it the same way.
    func report(_ event: Logger.Message, to logger: Logger) {
        for warning in warnings { logger.warning("policy: \(warning)") }
        logger.notice(
            event,
            metadata: ["profiles": "\(policy.profiles.profiles.count)", "lists": "\(lists.map(\.name).joined(separator: ","))"])
    }
}
