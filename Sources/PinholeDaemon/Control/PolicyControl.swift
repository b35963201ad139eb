import Foundation
import Logging
import PinholeCore
import Synchronization

/// The write side of the control socket and SIGHUP: reloads the policy and
/// edits profiles (one change at a time), and remembers the last reload for
/// `status`. An edit is written atomically and reloaded; when the reload
/// fails the old bytes go back (atomically), the policy is reloaded again,
/// and the reply carries the errors.
final class PolicyControl: Sendable {
    /// The outcome of the latest load or reload, for `pinhole status`.
    struct LoadRecord: Sendable, Equatable {
        /// Wall-clock milliseconds of the attempt.
        var at: Int64
        var ok: Bool
        /// The errors of a failed attempt, "file:line: message" each.
        var errors: [String]
        /// What is in force (from the last successful load).
        var profiles: Int
        var lists: [String]
        var warnings: [String]
    }

    let settings: DaemonConfig.Policy
    let store: PolicyStore
    let logger: Logger
    private let onReload: @Sendable () -> Void
    /// Called at each requested reload (SIGHUP, `{"op":"reload"}`), not at an
    /// edit's: re-reads what pinhole.toml settings may change while running.
    private let rereadSettings: @Sendable () -> Void
    /// Called before and after every reload, applied or not (sd_notify RELOADING=1, READY=1).
    private let willReload: @Sendable () -> Void
    private let didReload: @Sendable () -> Void
    /// Held for a whole reload or edit: they never interleave.
    private let serial = Mutex(())
    private let record: Mutex<LoadRecord>

    /// `initial` is the policy pinholed started with (already in `store`).
    init(settings: DaemonConfig.Policy, store: PolicyStore, initial: LoadedPolicy, logger: Logger, onReload: @escaping @Sendable () -> Void,
        willReload: @escaping @Sendable () -> Void = {}, didReload: @escaping @Sendable () -> Void = {},
        rereadSettings: @escaping @Sendable () -> Void = {}
    ) {
        self.settings = settings
        self.rereadSettings = rereadSettings
        self.willReload = willReload
        self.didReload = didReload
        self.store = store
        self.logger = logger
        self.onReload = onReload
        record = Mutex(LoadRecord(
            at: Self.now(), ok: true, errors: [], profiles: initial.policy.profiles.profiles.count,
            lists: initial.lists.map(\.name), warnings: initial.warnings))
    }

    /// The latest load or reload.
    var lastLoad: LoadRecord { record.withLock { $0 } }

    /// Reloads (SIGHUP, `{"op":"reload"}`); the running policy stays on any error.
    func reload(reason: String) -> Result<ControlReloadReply, PolicyLoadError> {
        rereadSettings()
        return serial.withLock { _ in reloadLocked(reason: reason) }
    }

    /// Answers a policy request (`reload`, `allow`, `deny`, `mode`) from `peer`: the reply line's value.
    func handle(_ request: ControlProtocol.Request, peer: PeerCredentials) -> any Encodable & Sendable {
        if request.op == .reload {
            logger.notice("control socket: reload", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
            switch reload(reason: "control socket") {
            case .success(let reply): return reply
            case .failure(let error): return ControlErrorReply("reload failed; the running policy stays in force\n\(error)")
            }
        }
        do throws(ControlErrorReply) {
            let change = try ProfileEditor.change(of: request)
            guard let app = request.app, !app.isEmpty else { throw ControlErrorReply("\(request.op.rawValue): no app given") }
            return try serial.withLock { _ throws(ControlErrorReply) in try edit(app: app, change: change, peer: peer) }
        } catch {
            logger.warning("control socket: \(request.op.rawValue) refused: \(error.error)", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
            return error
        }
    }

    private func edit(app: String, change: ProfileEditor.Change, peer: PeerCredentials) throws(ControlErrorReply) -> ControlEditReply {
        let registrable = RegistrableDomain()?.function
        let plan = try ProfileEditor(directory: settings.profilesDir, registrable: registrable).plan(app: app, change: change)
        let what = Self.describe(change)
        let place = "\(plan.path) line \(plan.line)"
        guard plan.changed else {
            return ControlEditReply(
                message: "\(app): \(what) already (\(place)); nothing changed", file: plan.path, line: plan.line, changed: false,
                created: false, reload: nil)
        }
        do {
            if plan.old == nil {
                try ProfileInstaller.install(plan.new, name: app, directory: settings.profilesDir, overwrite: false)
            } else {
                try ProfileInstaller.replace(plan.new, at: plan.path)
            }
        } catch {
            throw ControlErrorReply("\(app): \(what) not written: \(error)")
        }
        logger.notice(
            "control socket: profile edited", metadata: [
                "app": "\(app)", "change": "\(what)", "file": "\(plan.path)", "line": "\(plan.line)", "uid": "\(peer.uid)",
                "pid": "\(peer.pid)",
            ])
        switch reloadLocked(reason: "profile edit") {
        case .success(let reply):
            let created = plan.old == nil ? ", new profile for the unit \(app)" : ""
            return ControlEditReply(
                message: "\(app): \(what) (\(place)\(created)); reloaded", file: plan.path, line: plan.line, changed: true,
                created: plan.old == nil, reload: reply)
        case .failure(let loadError):
            let restored: String
            do {
                if let old = plan.old {
                    try ProfileInstaller.replace(old, at: plan.path)
                    restored = "\(plan.path) put back as it was"
                } else {
                    try ProfileInstaller.remove(at: plan.path)
                    restored = "\(plan.path) removed again"
                }
            } catch {
                logger.error("control socket: cannot undo the edit of \(plan.path): \(error)")
                throw ControlErrorReply("\(app): \(what) written but the reload failed, and undoing it failed too (\(error)):\n\(loadError)")
            }
            // The running policy never changed; this reload just records that the files load again.
            _ = reloadLocked(reason: "undo of a failed edit")
            throw ControlErrorReply("\(app): \(what) not kept: the reload failed (\(restored); the running policy stays in force)\n\(loadError)")
        }
    }

    /// One reload under `serial`.
    private func reloadLocked(reason: String) -> Result<ControlReloadReply, PolicyLoadError> {
        willReload()
        defer { didReload() }
        do throws(PolicyLoadError) {
            let loaded = try PolicyLoader.load(settings)
            store.replace(with: loaded.policy)
            loaded.report("policy reloaded", to: logger)
            let reply = ControlReloadReply(profiles: loaded.policy.profiles.profiles.count, lists: loaded.lists.map(\.name), warnings: loaded.warnings)
            record.withLock {
                $0 = LoadRecord(at: Self.now(), ok: true, errors: [], profiles: reply.profiles, lists: reply.lists, warnings: reply.warnings)
            }
            onReload()
            return .success(reply)
        } catch {
            logger.error("policy reload failed (\(reason)); the running policy stays in force\n\(error)")
            record.withLock {
                $0.at = Self.now()
                $0.ok = false
                $0.errors = error.errors.map(\.description)
            }
            return .failure(error)
        }
    }

    /// "allowed example.com", "removed example.com from deny", "mode learn".
    static func describe(_ change: ProfileEditor.Change) -> String {
        switch change {
        case .rule(.allow, let domain, remove: false): "allowed \(domain)"
        case .rule(.deny, let domain, remove: false): "denied \(domain)"
        case .rule(let key, let domain, remove: true): "removed \(domain) from \(key.rawValue)"
        case .mode(let mode): "mode \(mode.rawValue)"
        }
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
