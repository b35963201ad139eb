import ServiceLifecycle

/// Keeps the listeners open until graceful shutdown, then closes them so no
/// new query is accepted while the rest of the daemon stops.
struct ListenerService: Service {
    let listeners: DNSListeners
    /// Called when the service starts (the service group's signal handlers are installed by then).
    var onStart: @Sendable () -> Void = {}

    func run() async throws {
        onStart()
        try? await gracefulShutdown()
        await listeners.close()
    }
}
