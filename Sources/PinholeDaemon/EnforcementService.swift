import Enforcement
import Logging
import PinholeCore
import ServiceLifecycle

/// Owns `table inet pinhole` for the daemon's lifetime: builds it at start
/// (one transaction, nft text naming no cgroup), hands out the pinner (pins,
/// `governed` and app rules over raw netlink by cgroup id; pins batched on
/// their own thread: `BatchingPinner`), and removes the table
/// on a clean stop unless `fail_closed` keeps it (a crash always leaves it).
struct EnforcementService: Service {
    let nft: Nftables
    let pinner: ReportingPinner
    let failClosed: Bool
    let logger: Logger

    /// Builds the table.
    /// - Throws: `StartupError.enforcement` when nftables refuses.
    static func start(
        _ settings: DaemonConfig.Enforcement, table: EnforcementTable = EnforcementTable(), logger: Logger
    ) throws -> EnforcementService {
        do {
            let nft = try Nftables()
            if let refused = try table.create(with: nft) {
                logger.warning(
                    "the existing table \(EnforcementTable.qualifiedName) has another layout (an older pinholed?): rebuilt; its pins and governed cgroups are lost",
                    metadata: ["error": "\(refused.message.trimmingCharacters(in: .whitespacesAndNewlines))"])
            }
            // One path → id cache; each part remembers the ids it wrote, to delete by them once a cgroup is gone.
            let ids = try CgroupIds()
            let pins = BatchingPinner(try NetlinkPinner(ids: ids)) { error in
                logger.warning("pinning failed; the app's connections to these addresses will be refused", metadata: ["error": "\(error)"])
            }
            let appRules = try NftablesAppRules(ids: ids, owners: settings.interfaceOwners)
            let pinner = ReportingPinner(pins: pins, governedSet: try GovernedSet(ids: ids), appRules: appRules) { error in
                logger.warning("governing or app rules failed", metadata: ["error": "\(error)"])
            }
            do {
                let swept = try GoneCgroupSweep.run(mountPoint: ids.mountPoint)
                if swept > 0 { logger.info("deleted the elements of cgroups removed while pinholed was down", metadata: ["elements": "\(swept)"]) }
            } catch {
                logger.warning("could not delete the elements of removed cgroups; they stay until they expire", metadata: ["error": "\(error)"])
            }
            logger.notice("enforcement on: table \(EnforcementTable.qualifiedName) built", metadata: ["fail_closed": "\(settings.failClosed)"])
            return EnforcementService(nft: nft, pinner: pinner, failClosed: settings.failClosed, logger: logger)
        } catch {
            throw StartupError.enforcement(error)
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        // The listeners are closed (stopped first): send what is queued, end the pin thread.
        pinner.pins.stop()
        guard !failClosed else {
            logger.notice("fail_closed: table \(EnforcementTable.qualifiedName) stays in place")
            return
        }
        do {
            try EnforcementTable.remove(with: nft, ifPresent: true)
        } catch {
            logger.error("could not remove table \(EnforcementTable.qualifiedName)", metadata: ["error": "\(error)"])
        }
    }
}
