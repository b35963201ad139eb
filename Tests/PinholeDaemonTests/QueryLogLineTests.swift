import Testing
@testable import PinholeDaemon

@Suite struct QueryLogLineTests {
    @Test(arguments: [
        ("/usr/bin/dig", "/usr/bin/dig"),
        ("/opt/My App/bin", #""/opt/My App/bin""#),
        (#"say "hi""#, #""say \"hi\"""#),
        (#"a\b"#, #""a\\b""#),
        ("", #""""#),
        ("line\nbreak", #""line\nbreak""#),
    ])
    func valuesSplitCleanlyIntoKeyValuePairs(raw: String, logged: String) {
        #expect(QueryLogLine.quoted(raw) == logged)
    }
}
