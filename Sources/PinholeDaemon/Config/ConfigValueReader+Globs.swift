import PinholeCore
import TOMLKit

extension ConfigValueReader {
    /// An array of glob strings (`*`, `?`, `\`; see `Glob`), e.g. unit names.
    func globs(_ value: TOMLValue, _ path: [String]) throws(ConfigError) -> [Glob] {
        guard let array = value.array else {
            throw error(path, "expected an array of unit globs such as [\"sshd.service\", \"user@*.service\"], got \(Self.show(value))")
        }
        var result: [Glob] = []
        for element in array {
            guard let text = element.string else {
                throw error(path, "expected an array of strings, got the element \(Self.show(element.tomlValue))")
            }
            do {
                result.append(try Glob(text))
            } catch {
                throw self.error(path, error.message)
            }
        }
        return result
    }
}
