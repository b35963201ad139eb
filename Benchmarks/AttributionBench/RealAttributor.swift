import Attribution
import PinholeCore

/// The attributor pinholed builds: sock_diag, the process index over the
/// host's cgroup2 hierarchy, interface addresses, identities from /proc and
/// libsystemd. `reuseWindow` zero (the default here) makes every call ask
/// the kernel, so the figures are those of a lookup, not of a reused answer.
enum RealAttributor {
    static func make(reuseWindow: Duration = .zero) throws -> ProcessAttributor {
        let socketLookup: SockDiag
        do { socketLookup = try SockDiag() } catch { throw BenchError("opening sock_diag: \(error)") }
        let cgroups: CgroupTree
        do { cgroups = try CgroupTree() } catch { throw BenchError("opening the cgroup2 mount: \(error)") }
        let locals = LocalAddresses()
        return ProcessAttributor(
            socketLookup: socketLookup,
            isLocalAddress: { locals.contains($0) },
            index: ProcessIndex(cgroups: cgroups),
            reuseWindow: reuseWindow)
    }
}
