import ArgumentParser
import DocketJSON

/// `--output table|json|jsonl|csv` (and `--json`, its short form for JSON), shared by every
/// command that prints data: one output contract for the command line.
///
/// The default is `table` whether or not standard output is a terminal (as kubectl does): a
/// script's output never changes with where it is sent; scripts ask for `json`, `jsonl` or
/// `csv`. Keys are camelCase everywhere (JSON and CSV headers alike).
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, jsonl, csv
    }

    @Option(
        name: [.customShort("o"), .long],
        help: ArgumentHelp(
            "table (for people), or json, jsonl, csv (for programs).",
            discussion:
                "jsonl prints one JSON object per line: a list's items (a report's first line is its header: report, logPosition, today, filters, columns)."
        )
    )
    var output: Format = .table

    @Flag(help: "Short for --output json.")
    var json = false

    @Flag(
        name: .customLong("csv-bom"),
        help: "Begin CSV with a byte-order mark, so spreadsheet programs read it as UTF-8 (Chinese names)."
    )
    var csvBOM = false

    func validate() throws {
        if json, output != .table, output != .json {
            throw ValidationError("give --json or --output \(output.rawValue), not both")
        }
    }

    /// The format asked for.
    var format: Format { json ? .json : output }
}

/// A list of items with named columns, printed in any of the formats.
struct Listing {
    var columns: [String]
    var rows: [[JSONValue]]

    /// The list as `format` (table, a JSON array of objects, JSON Lines, or CSV).
    func rendered(_ format: OutputOptions.Format, csvBOM: Bool = false) -> String {
        switch format {
        case .table:
            var table = TextTable(columns)
            for row in rows { table.add(row.map(Self.text)) }
            return table.rendered
        case .json:
            return JSONWriter.string(.array(rows.map(object))) + "\n"
        case .jsonl:
            return rows.map { JSONWriter.string(object($0)) + "\n" }.joined()
        case .csv:
            var out = csvBOM ? CSV.byteOrderMark : ""
            out += Self.csvLine(columns.map { .string($0) })
            for row in rows { out += Self.csvLine(row) }
            return out
        }
    }

    func object(_ row: [JSONValue]) -> JSONValue {
        .object(JSONObject(zip(columns, row).map { (key: $0, value: $1) }))
    }

    /// A value as a cell: text as it is, null as nothing, anything else as JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let s): return s
        case .number(let n): return n.text
        case .bool(let b): return b ? "true" : "false"
        default: return JSONWriter.string(value)
        }
    }

    /// One CSV line (`CSV.line`: text is checked for formulas, numbers written as they are).
    static func csvLine(_ values: [JSONValue]) -> String {
        CSV.line(
            values.map { value in
                if case .string = value { return CSV.Cell(text(value)) }
                return CSV.Cell(text(value), isText: false)
            }
        )
    }

    /// An object's fields as `field,value` rows, nested keys joined with dots.
    static func fields(of value: JSONValue, prefix: String = "") -> [[JSONValue]] {
        guard case .object(let object) = value else { return [[.string(prefix), value]] }
        var rows: [[JSONValue]] = []
        for (key, member) in object.members {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if case .object = member {
                rows += fields(of: member, prefix: path)
            } else {
                rows.append([.string(path), member])
            }
        }
        return rows
    }
}
