/// RFC 4180 CSV lines, shared by every CSV Docket writes (reports over HTTP and on the command
/// line, and every list the command line prints).
public enum CSV {
    /// One cell: its text, and whether it is text (a number or a boolean is written as it is).
    public struct Cell: Sendable {
        public var text: String
        public var isText: Bool
        public init(_ text: String, isText: Bool = true) {
            self.text = text
            self.isText = isText
        }
    }

    /// U+FEFF: spreadsheet programs read a CSV that begins with it as UTF-8.
    public static let byteOrderMark = "\u{FEFF}"

    /// One line, ending in a newline. A field is quoted when it holds a comma, a quote or a line
    /// break, quotes doubled. A text field beginning with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return is prefixed with `'`, so a spreadsheet shows it rather than running it as a formula
    /// (CSV injection).
    public static func line(_ cells: [Cell]) -> String {
        cells.map { cell -> String in
            var text = cell.text
            if cell.isText, let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
                text = "'" + text
            }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }
}
