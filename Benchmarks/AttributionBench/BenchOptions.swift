/// The command line: which scenarios to run and how many calls each.
struct BenchOptions {
    static let allScenarios = ["sockdiag", "cached", "new-socket", "first-query"]

    var json = false
    var scenarios = Set(allScenarios)
    var sockdiagCount = 20_000
    var dumpCount = 2_000
    var cachedCount = 20_000
    var sockets = 16
    var newSocketCount = 2_000
    var others = 5_000
    var rounds = 100
    var placements = FirstQueryScenario.Placement.allCases

    static let usage = """
        usage: pinhole-attribution-bench [options]   (as root)
          --json                 print JSON instead of a table
          --only LIST            scenarios, comma-separated: \(allScenarios.joined(separator: ","))
          --sockdiag N           exact sock_diag lookups (20000)
          --dump N               port-filtered sock_diag dumps (2000)
          --cached N             timed cached-identity calls per transport (20000)
          --sockets N            client sockets per transport in the holder child (16)
          --new-socket N         fresh-socket queries (2000)
          --others N             idle processes during first-query (5000)
          --rounds N             first queries per placement (100)
          --placements LIST      first-query placements: \(FirstQueryScenario.Placement.allCases.map(\.rawValue).joined(separator: ","))
        """

    /// Parses `arguments` (without the program name); throws the usage on a mistake.
    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ option: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError("\(option) needs a value\n\(Self.usage)") }
            return next
        }
        func count(_ option: String) throws -> Int {
            let text = try value(option)
            guard let number = Int(text), number > 0 else { throw BenchError("\(option) needs a positive number, not \"\(text)\"") }
            return number
        }
        while let option = rest.popFirst() {
            switch option {
            case "--json": json = true
            case "--only":
                let names = try value(option).split(separator: ",").map(String.init)
                if let unknown = names.first(where: { !Self.allScenarios.contains($0) }) { throw BenchError("unknown scenario \"\(unknown)\"\n\(Self.usage)") }
                scenarios = Set(names)
            case "--sockdiag": sockdiagCount = try count(option)
            case "--dump": dumpCount = try count(option)
            case "--cached": cachedCount = try count(option)
            case "--sockets": sockets = try count(option)
            case "--new-socket": newSocketCount = try count(option)
            case "--others": others = try count(option)
            case "--rounds": rounds = try count(option)
            case "--placements":
                placements = try value(option).split(separator: ",").map { name in
                    guard let placement = FirstQueryScenario.Placement(rawValue: String(name)) else { throw BenchError("unknown placement \"\(name)\"\n\(Self.usage)") }
                    return placement
                }
            case "-h", "--help": throw BenchError(Self.usage)
            default: throw BenchError("unknown option \"\(option)\"\n\(Self.usage)")
            }
        }
    }

    /// Processes the run may start, for `Cleanup`.
    var plannedProcesses: Int { others + (rounds + 1) * placements.count + 16 }
}
