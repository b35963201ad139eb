import PinholeCore
import Testing
@testable import PinholeDaemon

@Suite struct InterfaceOwnersConfigTests {
    private func load(_ text: String) throws(ConfigError) -> DaemonConfig {
        try ConfigLoader.parse(text, file: "/etc/pinhole/pinhole.toml")
    }

    @Test func ownersAreReadAsUnitGlobsPerInterface() throws {
        let config = try load("[enforcement]\ninterface_owners = { wg0 = [\"vpn.service\", \"accounting*.service\"], eth1 = [\"x.scope\"] }\n")
        let owners = config.enforcement.interfaceOwners
        #expect(owners.interfaces == ["eth1", "wg0"])
        #expect(owners.interfaces(ownedByCgroup: "system.slice/accounting-2.service") == ["wg0"])
        #expect(try load("[enforcement]\ninterface_owners = {}\n").enforcement.interfaceOwners == InterfaceOwners())
    }

    @Test(arguments: [
        ("interface_owners = [\"wg0\"]", "expected a table of interface = [unit globs]"),
        ("interface_owners = { wg0 = [] }", "expected a non-empty array of unit globs"),
        ("interface_owners = { wg0 = \"vpn.service\" }", "expected a non-empty array of unit globs"),
        ("interface_owners = { \"a/b\" = [\"x.service\"] }", "not an interface name"),
        ("interface_owners = { averyveryverylongname = [\"x.service\"] }", "not an interface name"),
        ("interface_owners = { wg0 = [\"[ab].service\"] }", "character classes"),
        ("interface_owners = { wg0 = [1] }", "expected unit glob strings"),
    ])
    func badOwnersAreRefusedWithTheKey(line: String, message: String) {
        do {
            _ = try load("[enforcement]\n\(line)\n")
            Issue.record("accepted \(line)")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.key?.hasPrefix("enforcement.interface_owners") == true, "\(String(describing: error.key))")
            #expect(error.line == 2)
        }
    }
}
