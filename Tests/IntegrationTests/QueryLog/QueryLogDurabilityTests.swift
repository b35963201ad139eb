import DNSWire
import Foundation
import Glibc
import PinholeDaemon
import QueryLog
import Synchronization
import Testing
import TestSupport

/// The query log when things go wrong, with the real pinholed and a fake
/// upstream on loopback: kill -9 under load, SIGTERM, a database that
/// cannot be written, a reader who is not allowed.
@Suite(.serialized)
struct QueryLogDurabilityTests {
    /// No attribution: these tests are about the writer, and run without root.
    static let config = "[attribution]\nenabled = false\n[policy]\nenabled = false\n"

    /// Sends `q<N>.load.example` (or `q<N % repeating>`: the same names
    /// over and over) one after the other until `stop`, noting each answered
    /// name with when its answer came (monotonic seconds).
    final class Load: @unchecked Sendable {
        let answered = Mutex<[(name: String, at: Double)]>([])
        let running = Atomic<Bool>(true)
        private var thread: Thread?

        init(port: UInt16, repeating: Int? = nil) throws {
            let socket = try DatagramSocket()
            let peer = try PosixSocketAddress(address: "127.0.0.1", port: port)
            thread = Thread { [self] in
                var serial = 0
                while running.load(ordering: .relaxed) {
                    let name = "q\(repeating.map { serial % $0 } ?? serial).load.example"
                    serial += 1
                    guard let query = try? DNSMessageBuilder.query(id: UInt16(truncatingIfNeeded: serial), name: name, type: DNSType.a),
                        (try? socket.send(query, to: peer)) != nil
                    else { break }
                    // An answer to an earlier, timed-out query is skipped by its id.
                    while let reply = socket.receive(timeoutMs: 200) {
                        if reply.bytes.count > 2, Int(reply.bytes[0]) << 8 | Int(reply.bytes[1]) == serial & 0xFFFF {
                            let at = Load.now()
                            answered.withLock { $0.append((name, at)) }
                            break
                        }
                    }
                }
                socket.close()
            }
            thread?.start()
        }

        func stop() {
            running.store(false, ordering: .relaxed)
            usleep(300_000)
        }

        static func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
    }

    func names(in path: String) throws -> Set<String> {
        let reader = try QueryLogReader(path: path)
        var names = Set<String>()
        var before: Int64?
        while true {
            let page = try reader.entries(limit: 5_000, before: before)
            names.formUnion(page.map(\.name))
            guard let last = page.last, page.count == 5_000 else { return names }
            before = last.id
        }
    }

    @Test func killMinus9UnderLoadLosesAtMostOneBatchWindow() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: Self.config + "[querylog]\nbatch_interval = \"250ms\"\n")
        let load = try Load(port: daemon.listenPort)
        let started = Load.now()
        usleep(2_000_000)
        kill(daemon.process.processIdentifier, SIGKILL)
        let killed = Load.now()
        daemon.process.waitUntilExit()
        load.stop()
        let answered = load.answered.withLock { $0 }.filter { $0.at <= killed }
        let stored = try names(in: daemon.queryLogPath)
        let missing = answered.filter { !stored.contains($0.name) }
        let rate = Double(answered.count) / (killed - started)
        // Lost: only the newest answers, in one stretch at the end (nothing
        // older is missing), spanning the batch window being collected plus
        // the commit in flight (and the one before it: the next window starts
        // after a commit ends). Debug-build commits take up to ~100 ms.
        let firstMissing = answered.firstIndex { !stored.contains($0.name) } ?? answered.count
        let lostSpan = missing.first.map { killed - $0.at } ?? 0
        print("kill -9 under load: \(answered.count) answered at \(Int(rate)) q/s, \(missing.count) missing = the last \(Int(lostSpan * 1000)) ms")
        #expect(answered.count > 200, "the load did not get going: \(daemon.log.suffix(1000))")
        #expect(missing.count == answered.count - firstMissing, "an older answer is missing while newer ones were stored")
        #expect(lostSpan <= 0.5, "lost the last \(Int(lostSpan * 1000)) ms of answers, more than one 250 ms window and its commits")
    }

    /// The same with ten names repeated: rows are coalesced (one per name
    /// per batch, with a count), and still only the last window is lost:
    /// the stored counts add up to every answer but the newest stretch, and
    /// no row spans more than one window.
    @Test func killMinus9UnderRepeatedNamesLosesAtMostOneBatchWindow() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: Self.config + "[querylog]\nbatch_interval = \"250ms\"\n")
        let load = try Load(port: daemon.listenPort, repeating: 10)
        usleep(2_000_000)
        kill(daemon.process.processIdentifier, SIGKILL)
        let killed = Load.now()
        daemon.process.waitUntilExit()
        load.stop()
        let answered = load.answered.withLock { $0 }.filter { $0.at <= killed }
        let reader = try QueryLogReader(path: daemon.queryLogPath)
        let rows = try reader.entries(limit: 100_000)
        let stored = rows.reduce(0) { $0 + Int($1.count) }
        // Answers older than the window and commits the kill can take.
        let older = answered.filter { $0.at <= killed - 0.5 }.count
        print("kill -9 under repeated names: \(answered.count) answered, \(stored) stored in \(rows.count) rows, \(older) older than 500 ms")
        #expect(answered.count > 200, "the load did not get going: \(daemon.log.suffix(1000))")
        #expect(rows.count < stored / 5, "repeats were not coalesced: \(rows.count) rows for \(stored) queries")
        #expect(stored >= older, "lost more than the last 500 ms: \(stored) stored, \(older) answered before then")
        #expect(stored <= answered.count + 10)
        // A batch is at most one window (250 ms) plus the wait for the commit before it.
        #expect(rows.allSatisfy { $0.spanMilliseconds <= 500 }, "\(rows.map(\.spanMilliseconds).max() ?? 0) ms")
    }

    @Test func sigtermFlushesEverything() throws {
        let upstream = try Harness.answeringUpstream()
        // A batch window far longer than the test: only the flush can write them.
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: Self.config + "[querylog]\nbatch_interval = \"60s\"\nbatch_size = 100000\nqueue = 100000\n")
        let dig = try Harness.dig()
        var asked: [String] = []
        for index in 0..<20 {
            let name = "flush\(index).example"
            let result = try dig.query(name, server: daemon.listenAddress, port: daemon.listenPort)
            #expect(result.status == "NOERROR")
            asked.append(name)
        }
        usleep(200_000)
        // Nothing committed yet (the writer waits for its 60 s window).
        let before = (try? names(in: daemon.queryLogPath)) ?? []
        #expect(before.isEmpty, "\(before)")
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(1500))")
        #expect(try names(in: daemon.queryLogPath) == Set(asked))
        #expect(daemon.log.contains("query log closed") && daemon.log.contains("written=20"), "\(daemon.log.suffix(1500))")
    }

    @Test func anUnwritableDatabaseKeepsDNSAnsweringAndIsWarnedOnce() throws {
        let upstream = try Harness.answeringUpstream()
        // /proc takes no new files: the database can never be created.
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], configText: Self.config + "[querylog]\nbatch_interval = \"50ms\"\n",
            arguments: ["--query-log", "/proc/pinhole-test-\(getpid())/queries.sqlite"])
        let dig = try Harness.dig()
        for index in 0..<10 {
            let result = try dig.query("ro\(index).example", server: daemon.listenAddress, port: daemon.listenPort)
            #expect(result.status == "NOERROR" && result.answers.first?.last == "192.0.2.1", "\(result)")
            usleep(60_000)
        }
        usleep(300_000)
        let status = try ControlSocketClient(socketPath: daemon.controlSocketPath).status()
        #expect(status.queries == 10 && status.log.failed == 10 && status.log.written == 0, "\(status)")
        let warnings = daemon.log.split(separator: "\n").filter { $0.contains("query log: not logging") }
        #expect(warnings.count == 1, "\(daemon.log.suffix(2000))")
        #expect(warnings.first?.contains("/proc/pinhole-test-") == true)
        #expect(daemon.stop() == 0)
        #expect(daemon.log.contains("failed=10"))
    }

    @Test(.enabled(if: getuid() == 0 || TestEnvironment.requireE2E, "needs root to run a client as another user"))
    func aUserOutsideGroupPinholeIsRefusedAndLogged() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: Self.config)
        // nobody, with no supplementary groups, through a real connection.
        let directory = (daemon.controlSocketPath as NSString).deletingLastPathComponent
        chmod(directory, 0o755)
        let script = """
            import socket
            s = socket.socket(socket.AF_UNIX)
            s.connect(\"\(daemon.controlSocketPath)\")
            try:
                s.sendall(b'{"op":"follow"}\\n')
            except BrokenPipeError:
                pass  # refused at connect, before the request
            print(s.recv(4096).decode().strip())
            try:
                rest = s.recv(4096)
            except ConnectionResetError:
                rest = b''
            print("closed" if rest == b'' else repr(rest))
            """
        let setpriv = try #require(TestEnvironment.which("setpriv"), "setpriv (util-linux) not installed")
        let python = try #require(TestEnvironment.which("/usr/bin/python3") ?? TestEnvironment.which("python3"), "python3 not installed (the client run as nobody)")
        let result = try CommandRunner.run(
            URL(fileURLWithPath: setpriv), ["--reuid", "65534", "--regid", "65534", "--clear-groups", python, "-c", script])
        #expect(result.output.split(separator: "\n").map(String.init) == [#"{"error":"permission denied"}"#, "closed"], "\(result)")
        let deadline = Date().addingTimeInterval(3)
        while !daemon.log.contains("control socket: permission denied"), Date() < deadline { usleep(20_000) }
        #expect(daemon.log.contains("control socket: permission denied") && daemon.log.contains("uid=65534"), "\(daemon.log.suffix(1500))")
        // Root still gets answers.
        #expect(try ControlSocketClient(socketPath: daemon.controlSocketPath).status().version == PinholeVersion.string)
    }
}
