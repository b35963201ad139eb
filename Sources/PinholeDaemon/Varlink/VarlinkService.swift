import ServiceLifecycle

/// Keeps the varlink socket open until graceful shutdown; it closes before
/// the listeners, like the control socket.
struct VarlinkService: Service {
    let server: VarlinkServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}
