import ServiceLifecycle

/// Keeps the control socket open until graceful shutdown (it closes before
/// the listeners, so no follower outlives the stream).
struct ControlService: Service {
    let server: ControlServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}
