import ServiceLifecycle

/// Keeps the listeners open until graceful shutdown, then closes them so no
/// new query is accepted while the rest of the daemon stops.
struct ListenerService: Service {
    let listeners: DNSListeners

    func run() async throws {
        try? await gracefulShutdown()
        await listeners.close()
    }
}
