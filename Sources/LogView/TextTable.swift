/// A plain-text table fitted to a width: columns as wide as their widest
/// cell, and when the whole is too wide, first the optional columns are
/// left out (those whose `droppedBelow` exceeds the width), then the widest
/// shrinkable column (weighted) loses a character at a time (its cells end
/// in "…") until the table fits or every column is at its minimum.
public struct TextTable: Sendable {
    /// One column: its header and how far it may shrink.
    public struct Column: Sendable {
        public var title: String
        /// Never narrower than this (the header is cut too when needed); `.max`: never shrunk (times, pids, decisions).
        public var minimumWidth: Int
        /// Right-aligned (numbers).
        public var alignRight: Bool
        /// How strongly the column keeps its width: the column shrunk next is
        /// the one with the largest width / weight (1: plain widest first).
        public var weight: Double
        /// Cut cells at the start ("…cdn.example.com"): for domain names, whose end says most.
        public var keepsEnd: Bool
        /// Cut a cell that is a path ("/usr/bin/dig") at the start, so the
        /// executable's name stays ("…bin/dig"); other cells (app keys such as
        /// "app-firefox.scope") at the end.
        public var keepsEndOfPaths: Bool
        /// An optional detail: left out (width 0, and its gap) when the table
        /// does not fit whole and the width is under this; nil: always shown.
        public var droppedBelow: Int?

        public init(
            _ title: String, minimumWidth: Int = 4, alignRight: Bool = false, weight: Double = 1, keepsEnd: Bool = false,
            keepsEndOfPaths: Bool = false, droppedBelow: Int? = nil
        ) {
            self.title = title
            self.minimumWidth = minimumWidth
            self.alignRight = alignRight
            self.weight = weight
            self.keepsEnd = keepsEnd
            self.keepsEndOfPaths = keepsEndOfPaths
            self.droppedBelow = droppedBelow
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Spaces between columns.
    public static let gap = 2

    public init(columns: [Column], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// Column widths that fit `width` as well as the minimums allow; 0 for a
    /// column left out (`line` skips it with its gap).
    public func widths(fitting width: Int) -> [Int] {
        var widths = columns.indices.map { column in
            ([columns[column].title] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        var total = widths.reduce(0, +) + Self.gap * max(0, columns.count - 1)
        // Optional details go before any cell is cut.
        for index in columns.indices where total > width && width < (columns[index].droppedBelow ?? .min) {
            total -= widths[index] + Self.gap
            widths[index] = 0
        }
        let floors = columns.indices.map { min(columns[$0].minimumWidth, widths[$0]) }
        while total > width {
            // The widest (by weight) column that can still give; ties: the rightmost.
            func share(_ index: Int) -> (Double, Int) { (Double(widths[index]) / columns[index].weight, index) }
            guard let column = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { share($0) < share($1) }) else { break }
            widths[column] -= 1
            total -= 1
        }
        return widths
    }

    /// The header and rows as lines (no trailing spaces, no newlines);
    /// `style` may wrap a row's line (colour) after fitting, given the row index.
    public func lines(width: Int, header: (String) -> String = { $0 }, style: (Int, String) -> String = { $1 }) -> [String] {
        let widths = widths(fitting: width)
        return [header(line(columns.map(\.title), widths: widths))] + rows.enumerated().map { style($0.offset, line($0.element, widths: widths)) }
    }

    /// One row laid out in `widths` (from `widths(fitting:)`): cells cut with "…", padded, right-aligned where the column says.
    public func line(_ cells: [String], widths: [Int]) -> String {
        var parts: [String] = []
        for (index, cell) in cells.enumerated() where widths[index] > 0 || columns[index].droppedBelow == nil {
            let column = columns[index]
            let fitted = column.keepsEnd || (column.keepsEndOfPaths && cell.hasPrefix("/"))
                ? Self.truncateStart(cell, to: widths[index]) : Self.truncate(cell, to: widths[index])
            let pad = String(repeating: " ", count: max(0, widths[index] - fitted.count))
            let last = index == cells.count - 1
            parts.append(columns[index].alignRight ? pad + fitted : (last ? fitted : fitted + pad))
        }
        return parts.joined(separator: String(repeating: " ", count: Self.gap))
    }

    /// `text` cut to `width` characters from the start, beginning with "…" when cut.
    public static func truncateStart(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        return "…" + String(text.suffix(width - 1))
    }

    /// `text` cut to `width` characters, ending in "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        return String(text.prefix(width - 1)) + "…"
    }
}
