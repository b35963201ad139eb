import Testing
@testable import PinholeCore

/// `ProfileTextEdit.setting`: one key of one table set with the profile
/// editor's scanner, every other byte kept; a `[` that starts a line of a
/// multi-line array or string is a value, not a table header.
@Suite struct ProfileTextEditTableTests {
    typealias Edit = ProfileTextEdit
    let path = "\"/etc/pinhole/upstream-resolv.conf\""

    @Test func replacesInPlaceKeepingTheComment() throws {
        let result = try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream",
            in: "# c\n[upstream]\ntimeout = \"2s\"\nresolv_conf = \"/x\" # old\n[cache]\nsize = 1\n")
        #expect(result.text == "# c\n[upstream]\ntimeout = \"2s\"\nresolv_conf = \(path) # old\n[cache]\nsize = 1\n")
        #expect(result.line == 4 && result.changed)
        let same = try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: result.text)
        #expect(!same.changed && same.text == result.text)
    }

    @Test func addsUnderTheHeaderOrAppendsTheTable() throws {
        let added = try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream",
            in: "[other]\nresolv_conf = 1\n[ upstream ] # here\ntimeout = \"2s\"\n")
        #expect(added.text == "[other]\nresolv_conf = 1\n[ upstream ] # here\nresolv_conf = \(path)\ntimeout = \"2s\"\n" && added.line == 4)
        // A commented-out table is no table; a header on the last line without a newline gets one.
        #expect(try Edit.setting("true", forKey: "enabled", inTable: "varlink", in: "#[varlink]\n#enabled = false").text
            == "#[varlink]\n#enabled = false\n\n[varlink]\nenabled = true\n")
        #expect(try Edit.setting("true", forKey: "enabled", inTable: "varlink", in: "[varlink]").text == "[varlink]\nenabled = true\n")
        #expect(try Edit.setting("true", forKey: "enabled", inTable: "varlink", in: "").text == "[varlink]\nenabled = true\n")
        // CRLF stays CRLF; [[arrays of tables]] and [upstream.sub] are other tables.
        #expect(try Edit.setting("1", forKey: "k", inTable: "t", in: "[[t]]\r\nk = 0\r\n[t.sub]\r\nk = 0\r\n").text
            == "[[t]]\r\nk = 0\r\n[t.sub]\r\nk = 0\r\n\r\n[t]\r\nk = 1\r\n")
    }

    @Test func aTopLevelDottedKeyIsReplacedWhereItIs() throws {
        #expect(try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: "upstream.resolv_conf = \"/x\"\n[cache]\n").text
            == "upstream.resolv_conf = \(path)\n[cache]\n")
    }

    /// The old line scanner took these lines for headers: `[192.0.2.1, 53]`
    /// opened a table "192.0.2.1,53" and `[upstream]` in a string the table itself.
    @Test func bracketsInsideMultiLineValuesAreNotHeaders() throws {
        let array = "[cache]\nsizes = [\n  [1, 2],\n  [3, 4],\n]\n[upstream]\ntimeout = \"2s\"\n"
        #expect(try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: array).text
            == "[cache]\nsizes = [\n  [1, 2],\n  [3, 4],\n]\n[upstream]\nresolv_conf = \(path)\ntimeout = \"2s\"\n")

        let string = "[notes]\ntext = \"\"\"\n[upstream]\nresolv_conf = \"/not/here\"\n\"\"\"\nliteral = '''\n[upstream]\n'''\n"
        #expect(try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: string).text
            == string + "\n[upstream]\nresolv_conf = \(path)\n")
    }

    @Test func refusesWhatItCannotEditSafely() {
        #expect(throws: ProfileTextEdit.Failure.self) {
            try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: "upstream = { timeout = \"2s\" }\n")
        }
        #expect(throws: ProfileTextEdit.Failure(line: 2, message: "a string without its closing quote")) {
            try Edit.setting(path, forKey: "resolv_conf", inTable: "upstream", in: "[upstream]\nresolv_conf = \"/x\n")
        }
    }
}
