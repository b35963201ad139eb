import Glibc

/// A child process started with posix_spawn, remembered by `Cleanup`,
/// stopped by its pid. Its stdin is a pipe the bench holds (or a shared one):
/// when the bench dies, however it dies, the child reads EOF and exits.
final class SpawnedProcess {
    let pid: pid_t
    /// Write end of the child's stdin; -1 when the stdin pipe is shared.
    private(set) var input: Int32
    /// Read end of the child's stdout; -1 when its stdout is /dev/null.
    private(set) var output: Int32
    private let slot: Int
    private var reaped = false

    /// Starts `arguments[0]` (a path). `sharedInput` is the read end of a
    /// pipe to use as stdin (else the process gets its own); `captureOutput`
    /// gives its stdout to `readLine`, else stdout goes to /dev/null.
    init(_ arguments: [String], sharedInput: Int32? = nil, captureOutput: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The bench ignores SIGPIPE; its children must not inherit that.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        var input: Int32 = -1
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        if let sharedInput {
            posix_spawn_file_actions_adddup2(&actions, sharedInput, 0)
        } else {
            let pipe = try Self.pipe("stdin of \(arguments[0])")
            input = pipe.write
            childEnds.append(pipe.read)
            posix_spawn_file_actions_adddup2(&actions, pipe.read, 0)
        }
        var output: Int32 = -1
        if captureOutput {
            let pipe = try Self.pipe("stdout of \(arguments[0])")
            output = pipe.read
            childEnds.append(pipe.write)
            posix_spawn_file_actions_adddup2(&actions, pipe.write, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let failed = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard failed == 0 else {
            if input >= 0 { close(input) }
            if output >= 0 { close(output) }
            throw BenchError.errno("posix_spawn of \(arguments[0])", failed)
        }
        self.pid = pid
        self.input = input
        self.output = output
        slot = try Cleanup.remember(pid)
    }

    deinit { stop() }

    /// Writes `text` to the child's stdin.
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(input, bytes, bytes.count) == bytes.count else { throw BenchError.errno("write to the stdin of pid \(pid)", errno) }
    }

    /// The next line the child wrote to stdout, waiting at most `timeout` seconds.
    func readLine(timeout: Int32 = 10) throws -> String {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, timeout * 1000) == 1 else { throw BenchError("pid \(pid) wrote no line on stdout within \(timeout) s") }
            let count = read(output, &byte, 1)
            guard count == 1 else { throw BenchError("stdout of pid \(pid) closed (it exited?) after \"\(String(decoding: line, as: UTF8.self))\"") }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Kills the child (SIGKILL, by pid) and reaps it.
    func stop() {
        guard !reaped else { return }
        reaped = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Cleanup.forget(slot)
        if input >= 0 { close(input) }
        if output >= 0 { close(output) }
        input = -1
        output = -1
    }

    /// A pipe whose both ends are close-on-exec (dup2 clears it on the
    /// child's copy). pipe2 is not in Swift's Glibc module; set after pipe,
    /// which is safe because only this thread spawns.
    static func pipe(_ what: String) throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { throw BenchError.errno("pipe for the \(what)", errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }
}
