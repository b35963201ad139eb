import PinholeCore

/// The rows of the batch window being collected by the writer thread:
/// taken queries coalesced by `RepeatKey`, in the order of each row's first
/// query (so ids stay in time order). Only a row's first entry is kept, so
/// memory grows with distinct rows, not queries.
struct PendingRows {
    private(set) var rows: [PendingRow] = []
    private var rowOf: [RepeatKey: Int] = [:]
    /// Queries the rows stand for.
    private(set) var queries = 0

    var isEmpty: Bool { rows.isEmpty }

    /// Adds the entries at `indices` of `items`.
    mutating func add(_ items: [EntryQueue.Item], at indices: [Int]) {
        items.withUnsafeBufferPointer { buffer in
            for index in indices {
                // One copy of the entry (a new row keeps it): reading
                // `buffer[index].entry` for each use copied the whole item each time.
                let entry = buffer[index].entry
                let answer = entry.answer
                let key = RepeatKey(entry, answer: answer)
                let milliseconds = buffer[index].milliseconds
                // One hash and probe per query (a lookup, then an insert for a new row, took two).
                if let row = Self.claim(&rowOf[key, default: -1], next: rows.count) {
                    rows[row].add(milliseconds: milliseconds, latencyNanoseconds: entry.latencyNanoseconds)
                } else {
                    rows.append(PendingRow(entry: entry, answer: answer, milliseconds: milliseconds))
                }
            }
        }
        queries += indices.count
    }

    /// The row already in `slot`, or nil after putting `next` there (-1: the slot is new).
    private static func claim(_ slot: inout Int, next: Int) -> Int? {
        if slot >= 0 { return slot }
        slot = next
        return nil
    }

    /// Empties it for the next window (keeping the storage).
    mutating func removeAll() {
        rows.removeAll(keepingCapacity: true)
        rowOf.removeAll(keepingCapacity: true)
        queries = 0
    }
}
