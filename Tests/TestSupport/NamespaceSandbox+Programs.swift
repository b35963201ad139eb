import Foundation

extension NamespaceSandbox {
    /// Starts the built `pinhole-test-client` in `cgroup` with `arguments`
    /// (see its --help: one JSON event per line on stdout).
    public func spawnTestClient(cgroup: String, arguments: [String]) throws -> SandboxProcess {
        try spawn(cgroup: cgroup, executable: BuiltProduct.testClient().path, arguments: arguments)
    }

    /// Starts `pinhole-test-client --serve address:port` in `cgroup` and waits
    /// until it listens: a DNS server inside the sandbox answering every
    /// query on UDP and TCP (A 192.0.2.1, AAAA 2001:db8::1, TTL 60), e.g. as
    /// pinholed's upstream.
    public func startResponder(
        address: String = "127.0.0.2", port: UInt16 = 53, cgroup: String = "system.slice/upstream.service"
    ) throws -> SandboxProcess {
        let host = address.contains(":") ? "[\(address)]" : address
        let responder = try spawnTestClient(cgroup: cgroup, arguments: ["--serve", "\(host):\(port)"])
        try responder.waitForEvent("listening")
        return responder
    }

    /// Starts the real `pinholed` inside the sandbox in `cgroup`, listening
    /// on `address`:`port`, and waits until it is ready. Its `process`
    /// pid is pinholed's own; the sandbox's shutdown kills it if still running.
    public func startDaemon(
        cgroup: String = "system.slice/pinholed.service", address: String = "127.0.0.1", port: UInt16 = 53,
        upstreams: [String] = [], configText: String? = nil, arguments: [String] = []
    ) throws -> DaemonProcess {
        try DaemonProcess(
            address: address, port: port, upstreams: upstreams, configText: configText, arguments: arguments,
            launcher: launcher(cgroup: cgroup))
    }
}
