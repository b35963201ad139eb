import Testing
@testable import PinholeDaemon

/// deploy/pinhole.toml documents every key with its default, commented out.
@Suite struct DeployConfigTests {
    private static let path: String = {
        // .../Tests/PinholeDaemonTests/DeployConfigTests.swift → repository root
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/deploy/pinhole.toml"
    }()

    /// The file with every commented-out setting ("#key = ..." and "#[table]") switched on.
    private static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix("#"), let next = line.dropFirst().first, next.isLetter || next == "[" else {
                return String(line)
            }
            return String(line.dropFirst())
        }.joined(separator: "\n")
    }

    @Test func asShippedItGivesTheDefaults() throws {
        #expect(try ConfigLoader.load(path: Self.path) == .defaults)
    }

    @Test func everySettingSwitchedOnStillGivesTheDefaults() throws {
        let text = Self.uncommented(try TextFile.contents(of: Self.path))
        #expect(try ConfigLoader.parse(text, file: Self.path) == .defaults)
    }

    @Test func everyKeyIsDocumented() throws {
        let text = Self.uncommented(try TextFile.contents(of: Self.path))
        let locator = ConfigLineLocator(source: text)
        for keyPath in ConfigSchema.allKeyPaths {
            #expect(locator.line(of: keyPath.split(separator: ".").map(String.init)) != nil, "\(keyPath) is not in deploy/pinhole.toml")
        }
    }

    @Test func changedValuesAreRead() throws {
        // Edit the shipped file the way an admin would: uncomment and change one value.
        var text = Self.uncommented(try TextFile.contents(of: Self.path))
        text = text.replacingFirst("size = 10000", with: "size = 42")
        text = text.replacingFirst("level = \"info\"", with: "level = \"warning\"")
        let config = try ConfigLoader.parse(text, file: Self.path)
        #expect(config.cache.size == 42)
        #expect(config.log.level == .warning)
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
