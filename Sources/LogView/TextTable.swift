/// A plain-text table fitted to a width: columns as wide as their widest
/// cell, and when the whole is too wide, the widest shrinkable column loses
/// a character at a time (its cells end in "…") until the table fits or
/// every column is at its minimum.
public struct TextTable: Sendable {
    /// One column: its header and how far it may shrink.
    public struct Column: Sendable {
        public var title: String
        /// Never narrower than this (the header is cut too when needed); equal to the natural width: never shrunk.
        public var minimumWidth: Int
        /// Right-aligned (numbers).
        public var alignRight: Bool

        public init(_ title: String, minimumWidth: Int = 4, alignRight: Bool = false) {
            self.title = title
            self.minimumWidth = minimumWidth
            self.alignRight = alignRight
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

    /// Column widths that fit `width` as well as the minimums allow.
    public func widths(fitting width: Int) -> [Int] {
        var widths = columns.indices.map { column in
            ([columns[column].title] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        let floors = columns.indices.map { min(columns[$0].minimumWidth, widths[$0]) }
        var total = widths.reduce(0, +) + Self.gap * max(0, columns.count - 1)
        while total > width {
            // The widest column that can still give; ties: the rightmost (reasons and names before times).
            guard let column = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { (widths[$0], $0) < (widths[$1], $1) }) else { break }
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
        for (index, cell) in cells.enumerated() {
            let fitted = Self.truncate(cell, to: widths[index])
            let pad = String(repeating: " ", count: max(0, widths[index] - fitted.count))
            let last = index == cells.count - 1
            parts.append(columns[index].alignRight ? pad + fitted : (last ? fitted : fitted + pad))
        }
        return parts.joined(separator: String(repeating: " ", count: Self.gap))
    }

    /// `text` cut to `width` characters, ending in "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        return String(text.prefix(width - 1)) + "…"
    }
}
