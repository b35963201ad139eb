import Dispatch
import PinholeCore
import Synchronization

/// The `ProcessResolver` of pinholed: socket lookup (sock_diag) → socket
/// holder (`ProcessIndex`) → identity, cached per (cgroup id, pid, start
/// time) so a reused pid never inherits an old identity.
///
/// When the holder and its identity are cached, `attribute` answers on the
/// caller's thread with a few syscalls; otherwise the /proc work runs on one
/// background serial queue and the completion is called there.
public final class ProcessAttributor: ProcessResolver {
    struct IdentityKey: Hashable {
        var cgroupID: UInt64
        var pid: Int32
        var startTime: UInt64
    }

    private let socketLookup: any SocketLookup
    private let isLocalAddress: @Sendable (IPAddress) -> Bool
    private let index: ProcessIndex
    private let reader: IdentityReader
    private let identities: Mutex<BoundedMap<IdentityKey, AppIdentity>>
    private let recent: RecentAttributions
    private let background = DispatchQueue(label: "pinhole.attribution")

    /// - Parameters:
    ///   - socketLookup: finds the client's socket (sock_diag).
    ///   - isLocalAddress: whether an address is this host's; a query from
    ///     elsewhere has no local socket and is `.remote`.
    ///   - index: inode → pid.
    ///   - reader: pid → identity.
    ///   - identityCapacity: identities cached.
    ///   - reuseWindow: how long the attribution of one client socket tuple
    ///     is reused for its next queries (see `RecentAttributions`); zero
    ///     asks the kernel for every query.
    public init(
        socketLookup: any SocketLookup,
        isLocalAddress: @escaping @Sendable (IPAddress) -> Bool,
        index: ProcessIndex,
        reader: IdentityReader = IdentityReader(),
        identityCapacity: Int = 4096,
        reuseWindow: Duration = .milliseconds(1)
    ) {
        self.socketLookup = socketLookup
        self.isLocalAddress = isLocalAddress
        self.index = index
        self.reader = reader
        self.identities = Mutex(BoundedMap(capacity: identityCapacity))
        self.recent = RecentAttributions(window: reuseWindow)
    }

    public func attribute(_ request: AttributionRequest, completion: @escaping @Sendable (Attribution) -> Void) {
        if let attribution = recent.lookup(request) { return completion(attribution) }
        let socket: SocketOwner
        switch socketLookup.owner(of: request) {
        // Inode 0: an orphaned TCP socket (FIN_WAIT after close), no file holds it.
        case .found(let owner) where owner.inode == 0: return completion(.unknown(.exited, socket: owner))
        case .found(let owner): socket = owner
        case .notFound: return completion(.unknown(isLocalAddress(request.client.ip) ? .exited : .remote))
        case .permissionDenied: return completion(.unknown(.permission))
        case .failed: return completion(.unknown(.noSocket))
        }
        // exec keeps the pid and start time but not the program: a socket
        // new to the index is the moment to notice (one readlink).
        if let (holder, newSocket) = index.cachedLookup(of: socket),
           let identity = identities.withLock({ $0[IdentityKey(cgroupID: socket.cgroupID, pid: holder.pid, startTime: holder.startTime)] }),
           !newSocket || runs(identity, pid: holder.pid) {
            let attribution = Attribution.attributed(identity, socket: socket)
            recent.remember(attribution, for: request)
            return completion(attribution)
        }
        background.async { [self] in
            let attribution = resolve(request, socket)
            recent.remember(attribution, for: request)
            completion(attribution)
        }
    }

    /// Whether `pid` still runs the executable of `identity` (not exec'd since).
    private func runs(_ identity: AppIdentity, pid: Int32) -> Bool {
        guard let link = try? ProcFile.readLink("\(reader.processes.procRoot)/\(pid)/exe") else { return false }
        return link == identity.executable || link == identity.executable + " (deleted)"
    }

    /// The slow path: search the holder, read its identity.
    func resolve(_ request: AttributionRequest, _ socket: SocketOwner) -> Attribution {
        switch index.findHolder(of: socket) {
        case .found(let holder):
            let key = IdentityKey(cgroupID: socket.cgroupID, pid: holder.pid, startTime: holder.startTime)
            if let identity = identities.withLock({ $0[key] }), runs(identity, pid: holder.pid) {
                return .attributed(identity, socket: socket)
            }
            do {
                let identity = try reader.identity(of: holder.pid, startTime: holder.startTime)
                identities.withLock { _ = $0.set(key, identity) }
                return .attributed(identity, socket: socket)
            } catch {
                return .unknown(error.kind == .permission ? .permission : .exited, socket: socket)
            }
        case .permissionDenied:
            return .unknown(.permission, socket: socket)
        case .vanished, .notHeld:
            // Ask the socket table again: a holder that exited took the
            // socket with it (processes of a busy cgroup come and go, so a
            // vanished pid alone proves nothing); a socket still there is
            // held where we cannot see (another pid namespace, hidepid).
            if case .notFound = socketLookup.owner(of: request) { return .unknown(.exited, socket: socket) }
            return .unknown(.noSocket, socket: socket)
        }
    }
}
