#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable OS thread running one closure (the fake server needs real
/// threads blocked in poll(2), not tasks).
final class PosixThread: @unchecked Sendable {
    private var handle: pthread_t
    private var joined = false

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () -> Void) throws(SocketError) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
        var tid = pthread_t()
        #else
        var tid: pthread_t?
        #endif
        let rc = pthread_create(&tid, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw SocketError(operation: "pthread_create", errno: rc)
        }
        #if canImport(Glibc)
        handle = tid
        #else
        handle = tid!
        #endif
    }

    /// Waits for the thread to finish (once; later calls return at once).
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }
}
