import Foundation
import Testing
import TestSupport

/// Man-style `--help`: every subcommand of pinhole (found by walking the
/// SUBCOMMANDS sections from the top) and pinholed has a usage line, a
/// discussion beyond the one-line abstract, and examples.
struct HelpTextTests {
    /// The help text of `binary` with `path` (subcommand names) and --help.
    static func help(_ binary: URL, _ path: [String]) throws -> String {
        let result = try CommandRunner.run(binary, path + ["--help"])
        #expect(result.status == 0, "\(([binary.lastPathComponent] + path).joined(separator: " ")) --help exited \(result.status)")
        return result.output
    }

    /// The subcommand names listed in a help text's SUBCOMMANDS section.
    static func subcommands(in help: String) -> [String] {
        guard let start = help.range(of: "\nSUBCOMMANDS:\n") else { return [] }
        var names: [String] = []
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  ") else { break }
            let trimmed = line.drop { $0 == " " }
            // Continuation lines of a long abstract are indented further.
            guard line.prefix(4) != "    ", let name = trimmed.split(separator: " ").first else { continue }
            names.append(String(name))
        }
        return names
    }

    /// What a man-style help must have; the problems found, empty when fine.
    static func problems(_ text: String, command: String) -> [String] {
        var problems: [String] = []
        if !text.contains("USAGE: \(command)") { problems.append("no USAGE line") }
        // The discussion sits between the OVERVIEW line and USAGE.
        let overview = text.range(of: "OVERVIEW:").flatMap { start in
            text.range(of: "\nUSAGE:").map { String(text[start.upperBound..<$0.lowerBound]) }
        }
        let paragraphs = overview?.components(separatedBy: "\n\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? []
        if paragraphs.count < 2 { problems.append("no discussion after the abstract") }
        if let examples = text.range(of: "EXAMPLES:\n") {
            let first = text[examples.upperBound...].prefix { $0 != "\n" }
            if !first.trimmingCharacters(in: .whitespaces).hasPrefix(command.split(separator: " ")[0]) && !first.contains("systemctl") {
                problems.append("EXAMPLES does not start with a command line: \(first)")
            }
        } else {
            problems.append("no EXAMPLES section")
        }
        return problems
    }

    @Test("Every pinhole subcommand's --help has usage, a discussion and examples")
    func pinholeSubcommands() throws {
        let binary = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN")
        var queue: [[String]] = [[]]
        var checked: [String] = []
        while let path = queue.first {
            queue.removeFirst()
            let text = try Self.help(binary, path)
            let command = (["pinhole"] + path).joined(separator: " ")
            let problems = Self.problems(text, command: command)
            #expect(problems.isEmpty, "\(command) --help: \(problems.joined(separator: "; "))\n\(text)")
            checked.append(command)
            queue += Self.subcommands(in: text).filter { $0 != "help" }.map { path + [$0] }
        }
        // The walk really found the subcommands (not a parse of nothing).
        #expect(checked.count >= 10, "\(checked)")
        #expect(checked.contains("pinhole log") && checked.contains("pinhole check-config"), "\(checked)")
    }

    @Test("pinholed --help has usage, a discussion, examples and files")
    func pinholedHelp() throws {
        let text = try Self.help(try DaemonProcess.binary(), [])
        #expect(Self.problems(text, command: "pinholed").isEmpty, "\(Self.problems(text, command: "pinholed"))\n\(text)")
        #expect(text.contains("FILES:") && text.contains("/etc/pinhole/pinhole.toml"))
    }
}
