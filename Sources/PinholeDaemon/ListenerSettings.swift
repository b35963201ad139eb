import NIOCore

/// What the listeners need to know, taken from the configuration.
struct ListenerSettings: Sendable {
    /// Addresses to serve, each on UDP and TCP.
    var addresses: [(host: String, port: Int)]
    var tcpIdleTimeout: TimeAmount
    var maxTCPConnections: Int
    var maxOutstandingPerClient: Int
    /// Where the listen addresses were configured, for the "address in use" hint.
    var configHint: String
}
