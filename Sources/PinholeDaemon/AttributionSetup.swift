import Attribution
import Logging
import PinholeCore

/// Builds the process resolver of `[attribution]`.
enum AttributionSetup {
    /// The resolver for `config`, nil when attribution is off.
    /// - Throws: `StartupError.attribution` when sock_diag cannot be opened.
    static func resolver(config: DaemonConfig, configPath: String, logger: Logger) throws -> (any ProcessResolver)? {
        guard config.attribution.enabled else {
            logger.notice("attribution off (attribution.enabled = false): every query goes to the app unknown")
            return nil
        }
        let socketLookup: SockDiag
        do {
            socketLookup = try SockDiag()
        } catch {
            throw StartupError.attribution(error: error, configPath: configPath)
        }
        let cgroups: CgroupTree?
        do {
            cgroups = try CgroupTree()
        } catch {
            // Still works: holders are then found by uid, which is slower.
            logger.warning("no cgroup v2 hierarchy; socket holders are searched by uid only", metadata: ["error": "\(error)"])
            cgroups = nil
        }
        let localAddresses = LocalAddresses()
        return ProcessAttributor(
            socketLookup: socketLookup, isLocalAddress: { localAddresses.contains($0) },
            index: ProcessIndex(cgroups: cgroups))
    }
}
