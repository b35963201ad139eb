import Attribution
import Enforcement
import Foundation
import Logging
import PinholeCore

/// Governs app cgroups proactively: each unit cgroup (a `.service` or
/// `.scope`, DESIGN.md "which cgroup is the app") is decided by
/// `GovernRule` when it appears, not at its first query, so an app that
/// never asks DNS and dials an IP is refused too; it is dropped from the
/// governed set (and its pins forgotten) when it goes, and every cgroup is
/// decided again when the policy is reloaded. With the verdict it applies
/// the selected profile's `interfaces` and `allow_cidrs` (and the
/// interfaces the cgroup owns), so they too hold before the app's first
/// query, and a reload that adds or drops them takes effect at once.
///
/// When a profile that may match a cgroup looks at the executable or user,
/// the decision waits for the cgroup's first process (cgroup.events says
/// `populated 1`) and reads the identities of its processes: governed when
/// any of them is. The first process may not have exec'd its program yet (a
/// service manager forks, moves the child, then execs), so a "leave"
/// decided by processes is looked at again a few times over the next second
/// (`recheckDelays`); the app's first query decides too.
///
/// With the kernel's process events connector (`ProcessExecWatcher`) each
/// exec decides too, the moment it is reported: a program started later in
/// an already-decided cgroup (`curl 203.0.113.7` in a terminal's scope) or
/// exec'd by a forked child after the first look is governed before it
/// gets far. Identities are read only while some profile matches by
/// executable or user, and only of processes in a cgroup such a profile may
/// match; without the connector the re-checks are all there is.
final class CgroupGovernor: @unchecked Sendable {
    private enum Known {
        case decided
        /// Waiting for a process to decide by.
        case pending
    }

    let rule: GovernRule
    private let profiles: @Sendable () -> ProfileSet
    private let governed: GovernedSet
    private let pinner: ReportingPinner
    private let identities: IdentityReader
    private let logger: Logger
    private let lock = NSLock()
    private var known: [String: Known] = [:]
    private var watcher: CgroupWatcher?
    private var execWatcher: ProcessExecWatcher?
    /// Whether some profile matches by executable or user (`GovernRule.decidesByProcess`): execs are looked at.
    private var decidesByProcess = false
    /// When a process-decided "leave" is decided again, after it.
    static let recheckDelays: [Double] = [0.05, 0.25, 1]
    /// Most processes read to decide one cgroup.
    static let processLimit = 64

    init(
        rule: GovernRule, profiles: @escaping @Sendable () -> ProfileSet, pinner: ReportingPinner,
        identities: IdentityReader = IdentityReader(), logger: Logger
    ) {
        self.rule = rule
        self.profiles = profiles
        self.governed = pinner.governedSet
        self.pinner = pinner
        self.identities = identities
        self.logger = logger
    }

    /// The rule for `settings`, with pinholed's own app cgroup exempt.
    static func rule(_ settings: DaemonConfig.Enforcement) -> GovernRule {
        let reader = ProcessInfoReader()
        let pid = getpid()
        let own = (try? reader.cgroupPath(of: pid)).map { path in
            let units = SystemdUnits.of(pid: pid, cgroupPath: path)
            return AppCgroup.path(cgroupPath: path, unit: units.unit, userUnit: units.userUnit)
        }
        return GovernRule(enforceUnprofiled: settings.enforceUnprofiled, exempt: settings.exempt, ownCgroup: own)
    }

    /// A governor for the profiles of `policy` (none: every app unprofiled), started.
    /// - Throws: `StartupError.governing` when the set or the cgroup tree cannot be read.
    static func started(rule: GovernRule, pinner: ReportingPinner, policy: PolicyStore?, logger: Logger) throws -> CgroupGovernor {
        let profiles: @Sendable () -> ProfileSet = {
            (policy?.current as? CompiledPolicy)?.profiles ?? ProfileSet(profiles: [])
        }
        let governor = CgroupGovernor(rule: rule, profiles: profiles, pinner: pinner, logger: logger)
        do {
            try governor.start()
        } catch {
            throw StartupError.governing(error)
        }
        return governor
    }

    /// Adopts the governed set and app rules left by an earlier pinholed,
    /// watches the cgroup2 tree and decides every cgroup in it (before
    /// returning), then removes the adopted app rules of cgroups that no
    /// decision claimed.
    func start() throws {
        lock.withLock { decidesByProcess = GovernRule.decidesByProcess(profiles()) }
        let adopted = try governed.adopt()
        adoptAppRules()
        let mount = try CgroupTree.visibleCgroup2MountPoint()
        let watcher = try CgroupWatcher(mountPoint: mount) { [weak self] events in self?.handle(events) }
        lock.withLock { self.watcher = watcher }
        try watcher.start()
        dropUnclaimedAppRules()
        logger.notice(
            "governing cgroups as they appear",
            metadata: [
                "cgroup2": "\(mount)", "watched": "\(watcher.watchedCount)", "governed": "\(governed.paths.count)",
                "adopted": "\(adopted.kept)", "dropped_gone": "\(adopted.dropped)",
                "own_cgroup": "\(rule.ownCgroup ?? "-")", "enforce_unprofiled": "\(rule.enforceUnprofiled)",
            ])
        startExecWatch()
    }

    /// Subscribes to exec events; logs which way process-decided cgroups are
    /// watched (the connector, or only the re-checks when it is unavailable).
    private func startExecWatch() {
        do {
            let execs = try ProcessExecWatcher(
                handler: { [weak self] tgids in self?.handleExecs(tgids) },
                overflow: { [weak self] in self?.execsLost() })
            lock.withLock { execWatcher = execs }
            execs.start()
            logger.notice(
                "deciding by executable at exec time (process events connector)",
                metadata: ["inherited_socket": "\(execs.inherited)"])
        } catch {
            logger.warning(
                "process events connector unavailable: executable and user profiles are decided at a cgroup's first process and re-checked after 50 ms, 250 ms and 1 s",
                metadata: ["error": "\(error)"])
        }
    }

    /// Takes over the app-rule elements an earlier pinholed left, so the
    /// first decision of each cgroup deletes what its policy no longer says.
    private func adoptAppRules() {
        guard let appRules = pinner.appRules else { return }
        do {
            let adopted = try appRules.adopt()
            if adopted.kept + adopted.dropped > 0 {
                logger.info("adopted the app rules left in the table", metadata: ["cgroups": "\(adopted.kept)", "dropped_gone": "\(adopted.dropped)"])
            }
        } catch {
            logger.warning("could not adopt the app rules left in the table; they stay until their cgroups go", metadata: ["error": "\(error)"])
        }
    }

    /// After the first scan every existing unit cgroup is decided (or waits
    /// for a process: those keep what they had): the adopted app rules no
    /// decision claimed belong to cgroups no profile rule covers any more.
    private func dropUnclaimedAppRules() {
        guard let appRules = pinner.appRules else { return }
        let pending = lock.withLock { Set(known.filter { $0.value == .pending }.keys) }
        do {
            let dropped = try appRules.dropUnclaimed(keeping: pending)
            if !dropped.isEmpty { logger.info("removed app rules no profile covers any more", metadata: ["cgroups": "\(dropped.joined(separator: ","))"]) }
        } catch {
            logger.warning("could not remove app rules no profile covers any more", metadata: ["error": "\(error)"])
        }
    }

    /// Stops watching.
    func stop() {
        lock.withLock { execWatcher }?.stop()
        lock.withLock { watcher }?.stop()
    }

    /// Decides every known cgroup again (after a policy reload).
    func policyChanged() {
        lock.lock()
        defer { lock.unlock() }
        decidesByProcess = GovernRule.decidesByProcess(profiles())
        for path in known.keys.sorted() { decideLocked(path) }
        logger.notice("policy reloaded: cgroups decided again", metadata: ["governed": "\(governed.paths.count)"])
    }

    /// The watcher's events, in order.
    func handle(_ events: [CgroupEvent]) {
        lock.lock()
        defer { lock.unlock() }
        var gone: [String] = []
        for event in events {
            switch event {
            case .appeared(let path):
                let units = SystemdUnits(cgroupPath: path)
                guard AppCgroup.isUnitCgroup(cgroupPath: path, unit: units.unit, userUnit: units.userUnit) else { continue }
                decideLocked(path)
            case .populated(let path):
                guard known[path] == .pending else { continue }
                watcher?.unwatchPopulation(of: path)
                decideLocked(path)
            case .removed(let path):
                known[path] = nil
                gone.append(path)
            }
        }
        guard !gone.isEmpty else { return }
        // Pins are remembered by the path without its leading slash (AppCgroup's form).
        for path in gone { pinner.forget(cgroupPath: path.split(separator: "/").joined(separator: "/")) }
        do {
            let dropped = try governed.dropGone(gone)
            if !dropped.isEmpty { logger.info("ungoverned: cgroup removed", metadata: ["cgroups": "\(dropped.joined(separator: ","))"]) }
        } catch {
            logger.error("could not drop removed cgroups from the governed set", metadata: ["error": "\(error)"])
        }
    }

    /// Exec events (tgids, from the connector's thread): each process whose
    /// app cgroup is not governed and may be matched by an executable or
    /// user profile is read and decides its app cgroup, governing it when
    /// its profile governs. Cost per exec while no profile matches by
    /// process: the event's read and one check; otherwise also a read of
    /// /proc/PID/cgroup, and the full identity only in such a cgroup.
    func handleExecs(_ tgids: [Int32]) {
        guard lock.withLock({ decidesByProcess }) else { return }
        let profiles = profiles()
        for tgid in tgids {
            // Gone already (a short-lived helper): nothing left to govern by it.
            guard let cgroupPath = try? identities.processes.cgroupPath(of: tgid),
                  !cgroupPath.hasPrefix("/..")  // outside pinholed's cgroup namespace: not a cgroup it sees
            else { continue }
            let units = SystemdUnits(cgroupPath: cgroupPath)
            let app = AppCgroup.path(cgroupPath: cgroupPath, unit: units.unit, userUnit: units.userUnit)
            guard !app.isEmpty, !governed.contains(app) else { continue }
            let path = "/" + app
            let appUnits = SystemdUnits(cgroupPath: path)
            guard rule.decision(cgroupPath: path, unit: appUnits.unit, userUnit: appUnits.userUnit, profiles: profiles).verdict
                == .needsProcess,
                let identity = try? identities.identity(of: tgid)
            else { continue }
            let decision = rule.decision(
                cgroupPath: path, unit: appUnits.unit, userUnit: appUnits.userUnit, profiles: profiles, process: identity)
            lock.lock()
            defer { lock.unlock() }
            if decision.verdict == .govern {
                watcher?.unwatchPopulation(of: path)
                apply(decision, path)
                logger.debug("decided at exec", metadata: ["cgroup": "\(path)", "pid": "\(tgid)", "exe": "\(identity.executable)"])
            } else if !decision.rules.isEmpty {
                // A helper's exec must not lift the app's restriction: only rules that restrict are applied.
                applyRules(decision.rules, path)
            }
        }
    }

    /// The kernel dropped exec events (its buffer filled): cgroups decided
    /// "leave" by their processes are looked at again.
    private func execsLost() {
        lock.lock()
        defer { lock.unlock() }
        logger.warning("exec events were lost (receive buffer full): process-decided cgroups re-checked")
        for (path, state) in known where state == .decided && !governed.contains(path) {
            if let decision = processDecision(path), decision.verdict == .govern { apply(decision, path) }
        }
    }

    private func decideLocked(_ path: String) {
        let units = SystemdUnits(cgroupPath: path)
        var decision = rule.decision(cgroupPath: path, unit: units.unit, userUnit: units.userUnit, profiles: profiles())
        if decision.verdict == .needsProcess {
            guard let byProcess = processDecision(path) else {
                known[path] = .pending
                // Owners need no profile: they may use their interface while the decision waits.
                applyOwnership(path)
                // Populated between the read and the watch: decide now after all.
                if watcher?.watchPopulation(of: path) == true, let byProcess = processDecision(path) {
                    watcher?.unwatchPopulation(of: path)
                    apply(byProcess, path)
                    if byProcess.verdict == .leave { scheduleRecheck(path, after: Self.recheckDelays) }
                }
                return
            }
            decision = byProcess
            if decision.verdict == .leave { scheduleRecheck(path, after: Self.recheckDelays) }
        }
        apply(decision, path)
    }

    /// Decides `path` again after each of `delays` while it exists and is not governed.
    private func scheduleRecheck(_ path: String, after delays: [Double]) {
        guard let delay = delays.first else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self else { return }
            self.lock.lock()
            defer { self.lock.unlock() }
            guard self.known[path] == .decided, !self.governed.contains(path) else { return }
            if let decision = self.processDecision(path) {
                if decision.verdict == .govern {
                    self.apply(decision, path)
                    return
                }
                // Still "leave", but the process may have exec'd its program since: its profile's rules.
                self.applyRules(decision.rules, path)
            }
            self.scheduleRecheck(path, after: Array(delays.dropFirst()))
        }
    }

    private func apply(_ decision: GovernDecision, _ path: String) {
        guard decision.verdict != .needsProcess else {
            known[path] = .pending
            return
        }
        known[path] = .decided
        // Rules first: a governed app's `allow_cidrs` hold from its first packet.
        applyRules(decision.rules, path)
        do {
            if decision.verdict == .govern {
                if try governed.govern(path) { logger.info("governed", metadata: ["cgroup": "\(path)"]) }
            } else {
                if try governed.ungovern(path) { logger.info("ungoverned: policy", metadata: ["cgroup": "\(path)"]) }
            }
        } catch {
            logger.warning("could not change the governed set", metadata: ["cgroup": "\(path)", "error": "\(error)"])
            return
        }
        markIfExecScope(path, governed: decision.verdict == .govern)
    }

    /// Brings the cgroup's profile `interfaces`, `allow_cidrs` and owned
    /// interfaces to `rules` (whatever the verdict: an ungoverned app is
    /// restricted to its interfaces too, as at its queries). A no-op when
    /// unchanged; a reload that drops rules removes them.
    private func applyRules(_ rules: AppNetworkRules, _ path: String) {
        guard let appRules = pinner.appRules else { return }
        // The key PinStage uses (AppCgroup's form, no leading slash), so both share one memory.
        let key = path.split(separator: "/").joined(separator: "/")
        do {
            if try appRules.apply(cgroupPath: key, rules: rules), !rules.isEmpty {
                logger.info(
                    "network rules applied",
                    metadata: [
                        "cgroup": "\(path)", "interfaces": "\(rules.interfaces.joined(separator: ","))",
                        "allow_cidrs": "\(rules.allowCIDRs.map(\.description).joined(separator: ","))",
                    ])
            }
        } catch {
            logger.warning("could not apply the profile's interfaces and allow_cidrs", metadata: ["cgroup": "\(path)", "error": "\(error)"])
        }
    }

    /// Adds the interfaces the cgroup owns (`interface_owners`) when nothing was applied to it yet.
    private func applyOwnership(_ path: String) {
        do {
            if try pinner.appRules?.applyOwnership(cgroupPath: path) == true {
                logger.info("owns its interfaces", metadata: ["cgroup": "\(path)"])
            }
        } catch {
            logger.warning("could not add the interfaces this cgroup owns", metadata: ["cgroup": "\(path)", "error": "\(error)"])
        }
    }

    /// Tells a waiting `pinhole exec` that its scope is decided (`CgroupMark`).
    private func markIfExecScope(_ path: String, governed: Bool) {
        guard let last = path.split(separator: "/").last, ExecScope.appName(fromUnit: String(last)) != nil,
              let mount = watcher?.mountPoint
        else { return }
        do {
            try CgroupMark.set(governed ? "governed" : "not governed", on: mount + path)
        } catch {
            logger.warning("could not mark the exec scope decided", metadata: ["cgroup": "\(path)", "error": "\(error)"])
        }
    }

    /// The decision by the processes in the cgroup at `path` and below it
    /// (at most `processLimit`): govern when any of them is governed (a
    /// wrapper shell or a helper in the unit must not ungovern the app),
    /// with that process's profile's rules; else leave, with the rules of
    /// the first process whose profile has any (a helper must not lift the
    /// app's interface restriction); nil when no process could be read.
    private func processDecision(_ path: String) -> GovernDecision? {
        guard let watcher else { return nil }
        let units = SystemdUnits(cgroupPath: path)
        let profiles = profiles()
        var pending = [path]
        var read = 0
        var left: GovernDecision?
        while let next = pending.popLast(), read < Self.processLimit {
            for pid in watcher.processes(in: next) where read < Self.processLimit {
                guard let identity = try? identities.identity(of: pid) else { continue }
                read += 1
                let decision = rule.decision(
                    cgroupPath: path, unit: units.unit, userUnit: units.userUnit, profiles: profiles, process: identity)
                if decision.verdict == .govern { return decision }
                if left == nil || (left?.rules.isEmpty == true && !decision.rules.isEmpty) { left = decision }
            }
            if let children = try? FileManager.default.contentsOfDirectory(atPath: watcher.mountPoint + next) {
                for child in children.sorted().reversed() {
                    var isDirectory: ObjCBool = false
                    let full = watcher.mountPoint + next + "/" + child
                    if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                        pending.append(next + "/" + child)
                    }
                }
            }
        }
        return left
    }
}
