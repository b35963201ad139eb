import Foundation

/// Starts a program with posix_spawn and no other help, for children whose
/// exit must be seen at once: Foundation's `Process` notices an exit only when
/// every descendant has closed a descriptor it inherited, so a program that
/// leaves a background child looks alive until that child exits too.
enum PosixSpawn {
    /// Spawns `path` with `arguments` (argv[0] is `path`), stdin from
    /// /dev/null, stdout and stderr appended to the given files, and no
    /// other descriptor of this process inherited. Returns the pid; the
    /// caller reaps it (`waitpid`).
    static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, stdout: String, stderr: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard let closeFrom = addCloseFrom else { throw TestFailure("posix_spawn_file_actions_addclosefrom_np missing: glibc 2.34 or later needed") }
        // Else the child (and, for the sandbox holder, for the whole test)
        // would keep other tests' sockets open.
        _ = closeFrom(&actions, 3)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = variables.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw TestFailure("posix_spawn \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc
    /// module does not export (it is behind _GNU_SOURCE-only declarations).
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}
