import Attribution
import Glibc

// pinhole-attribution-bench: what attributing a query costs, with the real
// ProcessAttributor on the real kernel. Run as root on a release build
// (make bench-attribution). Every process it starts is killed by pid on the
// way out, also on Ctrl-C; the cgroups it makes are removed.

func runBench(_ options: BenchOptions) throws -> Report {
    guard getuid() == 0 else { throw BenchError("run as root: sock_diag of other processes' sockets, /proc/PID/fd and cgroups need it") }
    Cleanup.prepare(capacity: options.plannedProcesses)
    var report = Report()
    report.facts = [("build", Provenance.build), ("kernel", Provenance.kernel), ("cpus", "\(Provenance.cpus)"), ("load before", Provenance.load)]
    let server = try LoopbackServer()
    let log = { (text: String) in if !options.json { Provenance.printError(text) } }

    if options.scenarios.contains("sockdiag") {
        log("sockdiag: \(options.sockdiagCount) exact, \(options.dumpCount) dump lookups…")
        report.measurements += try SockDiagScenario(exactCount: options.sockdiagCount, dumpCount: options.dumpCount).run(server: server)
    }
    if options.scenarios.contains("cached") || options.scenarios.contains("new-socket") {
        let child = try HolderChild(server: server, count: options.sockets)
        defer { child.stop() }
        let attributor = try RealAttributor.make()
        if options.scenarios.contains("cached") {
            log("cached: \(options.cachedCount) calls per transport over \(options.sockets) sockets of pid \(child.pid)…")
            report.measurements += CachedScenario(count: options.cachedCount).run(attributor: attributor, child: child, server: server)
            let reusing = try RealAttributor.make(reuseWindow: .milliseconds(1))
            report.measurements += CachedScenario(count: options.cachedCount, burst: true).run(attributor: reusing, child: child, server: server)
        }
        if options.scenarios.contains("new-socket") {
            log("new-socket: \(options.newSocketCount) fresh sockets in pid \(child.pid)…")
            report.measurements.append(try NewSocketScenario(count: options.newSocketCount).run(attributor: attributor, child: child, server: server))
        }
    }
    if options.scenarios.contains("first-query") {
        log("first-query: starting \(options.others) idle processes…")
        let crowd = try IdleCrowd(count: options.others)
        defer { crowd.stop() }
        report.facts.append(("idle processes", "\(options.others) (started in \(Format.fixed(crowd.startSeconds, 1)) s)"))
        let mountPoint: String
        do { mountPoint = try CgroupTree.cgroup2MountPoint() } catch { throw BenchError("finding the cgroup2 mount: \(error)") }
        // A fresh attributor, as in a daemon that has not met these processes.
        let attributor = try RealAttributor.make()
        log("first-query: \(options.rounds) rounds per placement (\(options.placements.map(\.rawValue).joined(separator: ", ")))…")
        report.measurements += try FirstQueryScenario(rounds: options.rounds, others: options.others, placements: options.placements)
            .run(attributor: attributor, server: server, mountPoint: mountPoint)
        report.facts.append(("cgroup2 mount", mountPoint))
    }
    report.facts.append(("load after", Provenance.load))
    report.facts.append(("clock", "CLOCK_MONOTONIC around each call, until its completion ran"))
    return report
}

do {
    let options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
    do {
        let report = try runBench(options)
        Cleanup.run()
        print(options.json ? report.json() : report.table())
    } catch {
        Cleanup.run()
        throw error
    }
} catch {
    Provenance.printError("pinhole-attribution-bench: \(error)")
    exit(1)
}
