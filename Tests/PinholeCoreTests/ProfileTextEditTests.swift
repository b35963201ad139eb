import Testing
@testable import PinholeCore

/// The text-level profile editor: one element added or removed, or the mode
/// replaced, and every other byte of the file as it was.
@Suite struct ProfileTextEditTests {
    typealias Edit = ProfileTextEdit

    @Test func addsToAnInlineArrayKeepingTheRest() throws {
        let text = "# shop\nmode = \"enforce\" # strict\nallow = [\"a.example\", 'b.example'] # two\n\n[match]\nunit = \"shop.service\"\n"
        let result = try Edit.adding("c.example", to: .allow, in: text)
        #expect(result.text == "# shop\nmode = \"enforce\" # strict\nallow = [\"a.example\", 'b.example', \"c.example\"] # two\n\n[match]\nunit = \"shop.service\"\n")
        #expect(result.line == 3 && result.changed)
    }

    @Test func addsToAnEmptyInlineArray() throws {
        #expect(try Edit.adding("x.example", to: .deny, in: "deny = []\n").text == "deny = [\"x.example\"]\n")
        #expect(try Edit.adding("x.example", to: .deny, in: "deny = [ ]\n").text == "deny = [\"x.example\" ]\n")
    }

    @Test func addsALineToAMultiLineArrayInItsStyle() throws {
        let trailing = "allow = [\n  \"a.example\", # first\n  # a comment line\n  \"b.example\",\n]\nmode = \"enforce\"\n"
        let added = try Edit.adding("c.example", to: .allow, in: trailing)
        #expect(added.text == "allow = [\n  \"a.example\", # first\n  # a comment line\n  \"b.example\",\n  \"c.example\",\n]\nmode = \"enforce\"\n")
        #expect(added.line == 5)

        let bare = "allow = [\n    \"a.example\",\n    \"b.example\"   # last one\n]\n"
        let second = try Edit.adding("c.example", to: .allow, in: bare)
        #expect(second.text == "allow = [\n    \"a.example\",\n    \"b.example\",   # last one\n    \"c.example\"\n]\n")
        #expect(second.line == 4)
    }

    @Test func addsInlineWhenTheLastElementSharesTheClosingLine() throws {
        let text = "allow = [\n  \"a.example\",\n  \"b.example\"]\n"
        #expect(try Edit.adding("c.example", to: .allow, in: text).text == "allow = [\n  \"a.example\",\n  \"b.example\", \"c.example\"]\n")
        #expect(try Edit.adding("c.example", to: .allow, in: "allow = [\"a\",]\n").text == "allow = [\"a\", \"c.example\",]\n")
    }

    @Test func addsToAnEmptyMultiLineArray() throws {
        #expect(try Edit.adding("c.example", to: .allow, in: "allow = [\n]\n").text == "allow = [\n    \"c.example\"\n]\n")
    }

    @Test func createsTheKeyAfterTheLastTopLevelKey() throws {
        let text = "# comment\nmode = \"enforce\"\n\n# matching\n[match]\nunit = \"x.service\"\nallow = 1\n"
        let result = try Edit.adding("a.example", to: .allow, in: text)
        #expect(result.text == "# comment\nmode = \"enforce\"\nallow = [\"a.example\"]\n\n# matching\n[match]\nunit = \"x.service\"\nallow = 1\n")
        #expect(result.line == 3)
    }

    @Test func createsTheKeyBeforeTheFirstTableAndItsComment() throws {
        let text = "# A profile\n\n# matching\n[match]\nunit = [\"x.service\"]\n"
        let result = try Edit.adding("a.example", to: .deny, in: text)
        #expect(result.text == "# A profile\n\ndeny = [\"a.example\"]\n# matching\n[match]\nunit = [\"x.service\"]\n")
        #expect(result.line == 3)
        #expect(try Edit.adding("a", to: .allow, in: "").text == "allow = [\"a\"]\n")
        #expect(try Edit.adding("a", to: .allow, in: "mode = \"learn\"").text == "mode = \"learn\"\nallow = [\"a\"]\n")
    }

    @Test func keysInsideTablesAreNeverTouched() throws {
        let text = "[match]\nallow = [\"inside\"]\nmode = \"x\"\n"
        #expect(try Edit.adding("inside", to: .allow, in: text).text == "allow = [\"inside\"]\n[match]\nallow = [\"inside\"]\nmode = \"x\"\n")
        #expect(throws: Edit.Failure.self) { try Edit.removing("inside", from: .allow, in: text) }
        #expect(try Edit.settingMode("off", in: text).text == "mode = \"off\"\n[match]\nallow = [\"inside\"]\nmode = \"x\"\n")
    }

    @Test func aDuplicateIsNotAdded() throws {
        let text = "allow = [\"A.Example\", \"b.example\"]\n"
        let result = try Edit.adding("a.example.", to: .allow, in: text)
        #expect(result == Edit.Result(text: text, line: 1, changed: false))
    }

    @Test func crlfStaysCRLF() throws {
        let text = "mode = \"enforce\"\r\nallow = [\r\n  \"a.example\",\r\n]\r\n[match]\r\nunit = \"x\"\r\n"
        #expect(try Edit.adding("b.example", to: .allow, in: text).text
            == "mode = \"enforce\"\r\nallow = [\r\n  \"a.example\",\r\n  \"b.example\",\r\n]\r\n[match]\r\nunit = \"x\"\r\n")
        #expect(try Edit.adding("d.example", to: .deny, in: text).text
            == "mode = \"enforce\"\r\nallow = [\r\n  \"a.example\",\r\n]\r\ndeny = [\"d.example\"]\r\n[match]\r\nunit = \"x\"\r\n")
        #expect(try Edit.removing("a.example", from: .allow, in: text).text == "mode = \"enforce\"\r\nallow = [\r\n]\r\n[match]\r\nunit = \"x\"\r\n")
    }

    @Test func removesAnElementWithItsLineAndComment() throws {
        let text = "allow = [\n  \"a.example\", # why a\n  \"b.example\",\n  \"c.example\" # last\n]\n"
        #expect(try Edit.removing("a.example", from: .allow, in: text).text == "allow = [\n  \"b.example\",\n  \"c.example\" # last\n]\n")
        let removed = try Edit.removing("c.example", from: .allow, in: text)
        #expect(removed.text == "allow = [\n  \"a.example\", # why a\n  \"b.example\",\n]\n" && removed.line == 4)
    }

    @Test func removesFromInlineArrays() throws {
        #expect(try Edit.removing("a", from: .deny, in: "deny = [\"a\", \"b\"]\n").text == "deny = [\"b\"]\n")
        #expect(try Edit.removing("b", from: .deny, in: "deny = [\"a\", \"b\"]\n").text == "deny = [\"a\"]\n")
        #expect(try Edit.removing("b", from: .deny, in: "deny = [\"a\", \"b\", \"c\"]\n").text == "deny = [\"a\", \"c\"]\n")
        #expect(try Edit.removing("a", from: .deny, in: "deny = [\"a\"]\n").text == "deny = []\n")
        #expect(try Edit.removing("a", from: .deny, in: "deny = [\"a\", \"A.\"] # x\n").text == "deny = [] # x\n")
    }

    @Test func removingWhatIsNotThereSaysSo() {
        #expect(throws: Edit.Failure(line: 1, message: "z is not in allow")) { try Edit.removing("z", from: .allow, in: "allow = [\"a\"]\n") }
        #expect(throws: Edit.Failure(line: nil, message: "there is no top-level deny to remove z from")) {
            try Edit.removing("z", from: .deny, in: "allow = [\"a\"]\n")
        }
    }

    @Test func replacesTheModeValueOnly() throws {
        let text = "mode   =   \"enforce\"   # was strict\nallow = []\n"
        let result = try Edit.settingMode("learn", in: text)
        #expect(result.text == "mode   =   \"learn\"   # was strict\nallow = []\n" && result.line == 1 && result.changed)
        #expect(try Edit.settingMode("learn", in: result.text).changed == false)
        #expect(try Edit.settingMode("off", in: "allow = [\n  \"a\"\n]\n[match]\n").text == "allow = [\n  \"a\"\n]\nmode = \"off\"\n[match]\n")
    }

    @Test func stringsWithBracketsHashesAndOtherValuesDoNotConfuseIt() throws {
        let text = "log = true\nblock_reply = { kind = \"refused\" }\nvendor = [\"x]#\", \"\"\"y\"\"\"]\nallow = [ # open\n  [\"nested\"], \"a\",\n]\n[match]\n"
        #expect(try Edit.adding("b", to: .allow, in: text).text
            == "log = true\nblock_reply = { kind = \"refused\" }\nvendor = [\"x]#\", \"\"\"y\"\"\"]\nallow = [ # open\n  [\"nested\"], \"a\",\n    \"b\",\n]\n[match]\n")
    }

    @Test func notAnArrayOrBrokenTextIsAFailureWithItsLine() {
        #expect(throws: Edit.Failure(line: 2, message: "allow is not an array of strings")) {
            try Edit.adding("a", to: .allow, in: "mode = \"x\"\nallow = \"a\"\n")
        }
        #expect(throws: Edit.Failure(line: 1, message: "an array without its closing ']'")) { try Edit.adding("a", to: .allow, in: "allow = [\"a\",\n") }
        #expect(throws: Edit.Failure(line: 1, message: "expected '=' after the key mode")) { try Edit.settingMode("off", in: "mode \"x\"\n") }
    }

    @Test func quotesWhatItWrites() {
        #expect(Edit.quoted("a\"b\\c") == "\"a\\\"b\\\\c\"")
    }
}
