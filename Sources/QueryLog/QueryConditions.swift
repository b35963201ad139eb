import Foundation
import GRDB

/// A `QueryFilter` as SQL conditions on `queries q`, with the interned ids
/// (apps, processes, names, domains, reasons) looked up first so the big
/// table is read through one index in id (time) order.
struct QueryConditions {
    var clauses: [String] = []
    var arguments = StatementArguments()

    /// nil when the filter cannot match anything (an unknown app or name).
    static func make(_ filter: QueryFilter, _ db: Database) throws -> QueryConditions? {
        var result = QueryConditions()
        if let app = filter.app {
            let ids = try appIDs(app, db)
            guard !ids.isEmpty else { return nil }
            result.addIDs("q.app_id", ids)
        }
        if let pid = filter.pid {
            result.add("q.process_id IN (SELECT id FROM processes WHERE pid = ?)", Int64(pid))
        }
        if let user = filter.user {
            if let uid = Int64(user) {
                result.add("q.process_id IN (SELECT id FROM processes WHERE uid = ?)", uid)
            } else {
                result.add("q.process_id IN (SELECT id FROM processes WHERE user_name = ?)", user)
            }
        }
        if let pattern = filter.domain {
            guard try result.addDomain(pattern, db) else { return nil }
        }
        if let decision = filter.decision {
            // A literal, so the planner can use the partial index on blocked rows.
            result.clauses.append("q.decision = \(decision.rawValue)")
        }
        if let since = filter.since { result.add("q.id >= ?", QueryID.first(atMilliseconds: since)) }
        if let until = filter.until { result.add("q.id < ?", QueryID.first(atMilliseconds: until)) }
        if let qtype = filter.qtype { result.add("q.qtype = ?", Int64(qtype)) }
        if let rule = filter.rule {
            result.add("q.reason_id IN (SELECT id FROM reasons WHERE instr(text, ?) > 0)", rule)
        }
        return result
    }

    private mutating func add(_ clause: String, _ value: some DatabaseValueConvertible) {
        clauses.append(clause)
        arguments += [value]
    }

    /// `column = id`, or `column IN (ids)` through json_each (any number of ids, one parameter).
    private mutating func addIDs(_ column: String, _ ids: [Int64]) {
        if ids.count == 1 {
            add("\(column) = ?", ids[0])
        } else {
            add("\(column) IN (SELECT value FROM json_each(?))", Self.jsonList(ids))
        }
    }

    /// Apps whose key, or any identity's unit, user unit or executable, is `text`.
    static func appIDs(_ text: String, _ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT id FROM apps WHERE key = ?1
            UNION SELECT app_id FROM identities WHERE unit = ?1 OR user_unit = ?1 OR exe = ?1
            """, arguments: [text])
    }

    /// A JSON array of ids, for `IN (SELECT value FROM json_each(?))`.
    static func jsonList(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// The domain condition; false when no stored name can match.
    private mutating func addDomain(_ pattern: DomainPattern, _ db: Database) throws -> Bool {
        switch pattern.form {
        case .subtree(let base):
            // Registrable domains inside the subtree: all their names match.
            let inside = try Int64.fetchAll(db, sql: """
                SELECT id FROM domains WHERE domain = ?1 OR (length(domain) > length(?1) AND substr(domain, -length(?1) - 1) = '.' || ?1)
                """, arguments: [base])
            // A registrable domain above `base` ("example.com" for "www.example.com"): only its names in the subtree.
            let parents = Self.parents(of: base)
            let above = try Int64.fetchAll(db, sql: "SELECT id FROM domains WHERE domain IN (SELECT value FROM json_each(?))",
                                           arguments: [jsonStrings(parents)])
            var names: [Int64] = []
            if !above.isEmpty {
                names = try Int64.fetchAll(db, sql: """
                    SELECT id FROM names WHERE domain_id IN (SELECT value FROM json_each(?2))
                        AND (name = ?1 OR (length(name) > length(?1) AND substr(name, -length(?1) - 1) = '.' || ?1))
                    """, arguments: [base, Self.jsonList(above)])
            }
            switch (inside.isEmpty, names.isEmpty) {
            case (true, true):
                return false
            case (false, true):
                addIDs("q.domain_id", inside)
            case (true, false):
                if above.count == 1 {
                    // The domain index narrows to one registrable domain; the names then filter within it.
                    add("q.domain_id = ?", above[0])
                }
                add("q.name_id IN (SELECT value FROM json_each(?))", Self.jsonList(names))
            case (false, false):
                clauses.append("(q.domain_id IN (SELECT value FROM json_each(?)) OR q.name_id IN (SELECT value FROM json_each(?)))")
                arguments += [Self.jsonList(inside), Self.jsonList(names)]
            }
            return true
        case .glob:
            // Globs are rare and the names table is small next to queries: match in Swift.
            var names: [Int64] = []
            let all = try Row.fetchCursor(db, sql: "SELECT id, name FROM names")
            while let row = try all.next() {
                if pattern.matches(row[1]) { names.append(row[0]) }
            }
            guard !names.isEmpty else { return false }
            add("q.name_id IN (SELECT value FROM json_each(?))", Self.jsonList(names))
            return true
        }
    }

    /// "a.b.c" → ["b.c", "c"]: the proper parents.
    static func parents(of name: String) -> [String] {
        var result: [String] = []
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if !rest.isEmpty { result.append(String(rest)) }
        }
        return result
    }

    private func jsonStrings(_ values: [String]) -> String {
        "[" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "]"
    }
}
