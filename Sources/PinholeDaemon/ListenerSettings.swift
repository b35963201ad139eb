import NIOCore

/// What the listeners need to know, taken from the configuration.
struct ListenerSettings: Sendable {
    /// Addresses to serve, each on UDP and TCP: `server.listen`, then the capture endpoints.
    var addresses: [SocketAddressText]
    /// Which of `addresses` are capture endpoints (`enforcement.capture_port`).
    var captureEndpoints: [SocketAddressText] = []
    var tcpIdleTimeout: TimeAmount
    var maxTCPConnections: Int
    var maxOutstandingPerClient: Int
    /// The file the listen addresses came from, for bind error messages.
    var configPath: String

    /// The config key that made pinholed bind `address`, for bind errors.
    func setting(of address: SocketAddressText) -> String {
        captureEndpoints.contains(address) ? "enforcement.capture_port" : "server.listen"
    }
}
