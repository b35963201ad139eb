import Testing
@testable import PinholeDaemon

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("2s", .seconds(2)), ("10m", .seconds(600)),
        ("1h", .seconds(3600)), ("1d", .seconds(86_400)), ("0s", .zero), ("1500ms", .milliseconds(1500)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "s", "1.5s", "-1s", "2 s", "1w", "10sec", "99999999999999999999d", "200000000000000d"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func integerSecondsInTheConfig() throws {
        let config = try ConfigLoader.parse("[upstream]\ntimeout = 3\nattempt_timeout = 1", file: "t.toml")
        #expect(config.upstream.timeout == .seconds(3))
        #expect(config.upstream.attemptTimeout == .seconds(1))
        #expect(DurationText.seconds(-1) == nil)
    }

    @Test func formatsWithTheLargestExactUnit() {
        #expect(DurationText.format(.milliseconds(800)) == "800ms")
        #expect(DurationText.format(.milliseconds(2000)) == "2s")
        #expect(DurationText.format(.seconds(90)) == "90s")
        #expect(DurationText.format(.seconds(86_400)) == "1d")
        #expect(DurationText.format(.zero) == "0s")
    }
}
