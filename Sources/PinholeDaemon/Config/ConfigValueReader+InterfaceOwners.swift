import PinholeCore
import TOMLKit

extension ConfigValueReader {
    /// `interface_owners`: a table of interface name → unit globs,
    /// `{ wg0 = ["vpn.service", "accounting.service"] }`.
    func interfaceOwners(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> InterfaceOwners {
        guard let table = value.table else {
            throw error(path, "expected a table of interface = [unit globs], such as { wg0 = [\"vpn.service\"] }, got \(Self.show(value))")
        }
        var owners: [String: [Glob]] = [:]
        for name in table.keys {
            let valid = (1...15).contains(name.utf8.count) && name != "." && name != ".."
                && !name.contains { $0 == "/" || $0 == ":" || $0 == "\"" || $0 == "\\" || $0.isWhitespace }
            guard valid else {
                throw error(path + [name], "\"\(name)\": not an interface name (1…15 characters, no '/', ':', quotes or spaces)")
            }
            guard let array = table[name]?.array, !array.isEmpty else {
                throw error(path + [name], "expected a non-empty array of unit globs such as [\"vpn.service\"]")
            }
            var globs: [Glob] = []
            for element in array {
                guard let text = element.string else {
                    throw error(path + [name], "expected unit glob strings, got the element \(Self.show(element.tomlValue))")
                }
                do {
                    globs.append(try Glob(text))
                } catch {
                    throw self.error(path + [name], error.message)
                }
            }
            owners[name] = globs
        }
        return InterfaceOwners(owners)
    }
}
