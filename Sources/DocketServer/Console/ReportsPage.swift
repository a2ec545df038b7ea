import DocketApplication
import DocketJSON
import Foundation
import Projections

/// The reports page (`/console/reports`): pass rates per batch and revenue by day, each drawn
/// as an inline SVG chart and shown as a table that downloads as CSV (the same rows). Built
/// from the `batches` and `revenue` reports of the application layer.
struct ReportsPage {
    struct Column {
        var label: String
        var numeric: Bool
    }
    struct Cell {
        var text: String
        var numeric: Bool
    }
    struct Row { var cells: [Cell] }

    /// A table and its CSV, one source for both.
    struct Table {
        var columns: [Column]
        var rows: [Row]

        var csv: String {
            var out = CSV.line(columns.map { CSV.Cell($0.label) })
            for row in rows { out += CSV.line(row.cells.map { CSV.Cell($0.text, isText: !$0.numeric) }) }
            return out
        }
    }

    var title = "Reports"
    var user: ConsoleUser?
    var inlineCSS: String?
    var onSearch = false
    var onReports = true

    var logPosition: UInt64
    var generatedAt: String
    var passChart: String
    var passColumns: [Column]
    var passRows: [Row]
    var revenueChart: String
    var revenueColumns: [Column]
    var revenueRows: [Row]

    init(user: ConsoleUser, passRates: Table, revenue: Table, logPosition: UInt64, generatedAt: String) {
        self.user = user
        self.logPosition = logPosition
        self.generatedAt = generatedAt
        passColumns = passRates.columns
        passRows = passRates.rows
        revenueColumns = revenue.columns
        revenueRows = revenue.rows
        passChart =
            BarChart(
                title: "Pass rate per batch, theory and skill",
                labels: passRates.rows.map { $0.cells[0].text },
                series: [
                    .init(
                        name: "theory",
                        colour: "#1f5fbf",
                        values: passRates.rows.map { Self.percent($0.cells[4].text) }
                    ),
                    .init(
                        name: "skill",
                        colour: "#e0902a",
                        values: passRates.rows.map { Self.percent($0.cells[7].text) }
                    ),
                ],
                format: { "\(Int($0.rounded())) %" },
                ceiling: 100
            ).svg
        revenueChart =
            BarChart(
                title: "Net revenue by day, yuan",
                labels: revenue.rows.map { $0.cells[0].text },
                series: [
                    .init(
                        name: "net yuan",
                        colour: "#1e7b4a",
                        values: revenue.rows.map { Double($0.cells[3].text) ?? 0 }
                    )
                ],
                format: { "¥\(Int($0.rounded()))" },
                ceiling: nil
            ).svg
    }

    static func percent(_ text: String) -> Double { Double(text.dropLast(2)) ?? 0 }

    /// Pass rates per batch, over its occupations: who sat each subject and who passed.
    static func passRates(_ answer: ReportAnswer) -> Table {
        let report = answer.report
        func column(_ name: String) -> Int? { report.columns.firstIndex(of: name) }
        let names = ["applied", "satTheory", "passedTheory", "satSkill", "passedSkill", "certified"]
        var sums: [String: [Int64]] = [:]
        var order: [String] = []
        for row in report.rows {
            guard let b = column("batch"), case .text(let batch) = row[b] else { continue }
            if sums[batch] == nil {
                sums[batch] = Array(repeating: 0, count: names.count)
                order.append(batch)
            }
            for (i, name) in names.enumerated() {
                if let c = column(name), case .int(let n) = row[c] { sums[batch]![i] += n }
            }
        }
        func rate(_ passed: Int64, _ sat: Int64) -> String {
            sat == 0 ? "—" : String(format: "%.1f %%", 100 * Double(passed) / Double(sat))
        }
        let rows = order.map { batch -> Row in
            let s = sums[batch]!
            let cells: [Cell] = [
                Cell(text: batch, numeric: false), Cell(text: String(s[0]), numeric: true),
                Cell(text: String(s[1]), numeric: true), Cell(text: String(s[2]), numeric: true),
                Cell(text: rate(s[2], s[1]), numeric: true), Cell(text: String(s[3]), numeric: true),
                Cell(text: String(s[4]), numeric: true), Cell(text: rate(s[4], s[3]), numeric: true),
                Cell(text: String(s[5]), numeric: true),
            ]
            return Row(cells: cells)
        }
        return Table(
            columns: [
                Column(label: "batch", numeric: false), Column(label: "applied", numeric: true),
                Column(label: "satTheory", numeric: true), Column(label: "passedTheory", numeric: true),
                Column(label: "theoryPassRate", numeric: true), Column(label: "satSkill", numeric: true),
                Column(label: "passedSkill", numeric: true), Column(label: "skillPassRate", numeric: true),
                Column(label: "certified", numeric: true),
            ],
            rows: rows
        )
    }

    /// Paid, refunded and net yuan by day, over batches and occupations, in day order.
    static func revenueByDay(_ answer: ReportAnswer) -> Table {
        let report = answer.report
        func column(_ name: String) -> Int? { report.columns.firstIndex(of: name) }
        var sums: [String: (paid: Int64, refunded: Int64)] = [:]
        for row in report.rows {
            guard let d = column("day"), case .text(let day) = row[d] else { continue }
            var paid: Int64 = 0
            var refunded: Int64 = 0
            if let c = column("paidYuan"), case .int(let n) = row[c] { paid = n }
            if let c = column("refundedYuan"), case .int(let n) = row[c] { refunded = n }
            let before = sums[day] ?? (0, 0)
            sums[day] = (before.paid + paid, before.refunded + refunded)
        }
        let rows = sums.keys.sorted().map { day -> Row in
            let s = sums[day]!
            return Row(cells: [
                Cell(text: day, numeric: false), Cell(text: String(s.paid), numeric: true),
                Cell(text: String(s.refunded), numeric: true), Cell(text: String(s.paid - s.refunded), numeric: true),
            ])
        }
        return Table(
            columns: [
                Column(label: "day", numeric: false), Column(label: "paidYuan", numeric: true),
                Column(label: "refundedYuan", numeric: true), Column(label: "netYuan", numeric: true),
            ],
            rows: rows
        )
    }
}
