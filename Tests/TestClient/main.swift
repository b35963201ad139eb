#if canImport(Glibc)
import Glibc
#endif

// pinhole-test-client: a DNS client (or, with --serve, a tiny server) for the
// end-to-end tests, run as a separate process in a cgroup of its own. Every
// action is one JSON line on stdout; see ClientOptions.usage.

/// Runs what the options ask for in this process; returns the exit status.
func perform(_ options: ClientOptions) throws(ClientError) -> Int32 {
    let runner = QueryRunner(options: options)
    if let path = options.sendSocket {
        try runner.passSocket(to: path)
        return 0
    }
    return try runner.run()
}

/// `--fork`: the child does the work, the parent reports it and waits.
func performInChild(_ options: ClientOptions) throws(ClientError) -> Int32 {
    let child = fork()
    guard child >= 0 else { throw .posix("fork") }
    if child == 0 {
        do { _exit(try perform(options)) } catch { error.exit() }
    }
    EventLine("forked").with("child", Int(child)).emit()
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 {
        guard errno == EINTR else { throw .posix("waitpid(\(child))") }
    }
    // WIFEXITED/WEXITSTATUS are macros: exited normally when the low 7 bits are 0.
    let code: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 1
    EventLine("child-exited").with("child", Int(child)).with("status", Int(code)).emit()
    return code
}

if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
    print(ClientOptions.usage)
    exit(0)
}

do {
    let options = try ClientOptions.parse(Array(CommandLine.arguments.dropFirst()))
    if let endpoint = options.serve { try Responder(endpoint: endpoint).run() }
    EventLine("start").with("ppid", Int(getppid())).emit()
    let status = try options.fork ? performInChild(options) : perform(options)
    exit(status)
} catch {
    error.exit()
}
