import Foundation

extension SandboxInternet {
    /// Starts one more TCP listener in the internet namespace, on `port` of
    /// every address (v4 and v6), and waits until it listens; e.g. 853 or
    /// 443 to tell a refused connect from one that reaches a server.
    @discardableResult
    public func startListener(in sandbox: NamespaceSandbox, port: UInt16) throws -> SandboxProcess {
        let server = try spawn(in: sandbox, "python3", ["-c", Self.listener, String(port)])
        _ = try server.waitForEvent("listening")
        return server
    }

    /// Starts `pinhole-test-client --serve address:53` in the internet
    /// namespace (A 192.0.2.1, AAAA 2001:db8::1 for every name) and waits
    /// until it listens: an upstream that pinholed reaches over the veth,
    /// so its own port-53 traffic crosses the enforcement table.
    @discardableResult
    public func startResponder(in sandbox: NamespaceSandbox, address: String) throws -> SandboxProcess {
        let host = address.contains(":") ? "[\(address)]" : address
        let responder = try spawn(in: sandbox, try BuiltProduct.testClient().path, ["--serve", "\(host):53"])
        _ = try responder.waitForEvent("listening")
        return responder
    }
}
