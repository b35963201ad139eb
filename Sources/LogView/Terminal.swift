#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the output is shown on: how wide it is and whether colour may be
/// used. Colour only on a terminal and only without `NO_COLOR`
/// (https://no-color.org: any non-empty value turns it off).
public struct Terminal: Sendable, Equatable {
    /// Columns available; 80 when the output is not a terminal.
    public var width: Int
    /// Whether ANSI colour codes may be written.
    public var colour: Bool

    public init(width: Int, colour: Bool) {
        self.width = width
        self.colour = colour
    }

    /// Width when the size cannot be read (a pipe, a file).
    public static let defaultWidth = 80

    /// The terminal behind `descriptor` (stdout by default), with `environment` for `NO_COLOR`.
    public static func current(descriptor: Int32 = STDOUT_FILENO, environment: [String: String]) -> Terminal {
        let isTTY = isatty(descriptor) == 1
        return Terminal(width: isTTY ? measuredWidth(descriptor) ?? defaultWidth : defaultWidth,
                        colour: colourAllowed(isTTY: isTTY, environment: environment))
    }

    /// The no-color.org rule: a terminal, and `NO_COLOR` unset or empty.
    public static func colourAllowed(isTTY: Bool, environment: [String: String]) -> Bool {
        isTTY && (environment["NO_COLOR"] ?? "").isEmpty
    }

    /// TIOCGWINSZ's column count; nil when the ioctl fails or reports 0.
    static func measuredWidth(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
