import NIOCore

/// What the listeners need to know, taken from the configuration.
struct ListenerSettings: Sendable {
    /// Addresses to serve, each on UDP and TCP.
    var addresses: [SocketAddressText]
    var tcpIdleTimeout: TimeAmount
    var maxTCPConnections: Int
    var maxOutstandingPerClient: Int
    /// The file the listen addresses came from, for bind error messages.
    var configPath: String
}
