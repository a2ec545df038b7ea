import Foundation

/// A bar chart drawn as inline SVG on the server (no script, no library in the page): groups
/// of bars (one colour per series) along x, a y axis from 0 to the largest value, labels on x
/// thinned to fit. Every text it draws is escaped; the caller's title becomes the chart's
/// accessible name.
struct BarChart {
    struct Series {
        var name: String
        var colour: String
        var values: [Double]
    }

    var title: String
    var labels: [String]
    var series: [Series]
    /// How y values are written (a percentage, yuan).
    var format: (Double) -> String
    /// The largest value of the axis (100 for percentages); else the data's largest.
    var ceiling: Double?

    var width = 1000.0
    var height = 260.0

    var svg: String {
        let left = 64.0
        let right = 12.0
        let top = 28.0
        let bottom = 46.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let largest = ceiling ?? max(1, series.flatMap(\.values).max() ?? 1)
        let groups = max(1, labels.count)
        let groupWidth = plotWidth / Double(groups)
        let barWidth = max(1, (groupWidth * 0.8) / Double(max(1, series.count)))
        var out =
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title>\(HTMLText.escape(title))</title>"
        // Legend.
        var x = left
        for s in series {
            out += "<rect x=\"\(Self.n(x))\" y=\"6\" width=\"12\" height=\"12\" fill=\"\(s.colour)\"/>"
            out += "<text x=\"\(Self.n(x + 16))\" y=\"16\">\(HTMLText.escape(s.name))</text>"
            x += 24 + Double(s.name.count) * 7
        }
        // Grid and y labels.
        for step in 0...4 {
            let value = largest * Double(step) / 4
            let y = top + plotHeight - plotHeight * Double(step) / 4
            out +=
                "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(y))\" x2=\"\(Self.n(width - right))\" y2=\"\(Self.n(y))\" stroke=\"#e3e7ee\"/>"
            out +=
                "<text x=\"\(Self.n(left - 6))\" y=\"\(Self.n(y + 4))\" text-anchor=\"end\">\(HTMLText.escape(format(value)))</text>"
        }
        // Bars.
        for (g, label) in labels.enumerated() {
            let groupX = left + Double(g) * groupWidth + groupWidth * 0.1
            for (i, s) in series.enumerated() where g < s.values.count {
                let value = max(0, s.values[g])
                let h = plotHeight * min(1, value / largest)
                let y = top + plotHeight - h
                out +=
                    "<rect x=\"\(Self.n(groupX + Double(i) * barWidth))\" y=\"\(Self.n(y))\" width=\"\(Self.n(barWidth))\" height=\"\(Self.n(h))\" fill=\"\(s.colour)\">"
                out +=
                    "<title>\(HTMLText.escape(label)) · \(HTMLText.escape(s.name)): \(HTMLText.escape(format(value)))</title></rect>"
            }
        }
        // X labels, at most about 12.
        let every = max(1, Int((Double(labels.count) / 12).rounded(.up)))
        for (g, label) in labels.enumerated() where g % every == 0 {
            let cx = left + Double(g) * groupWidth + groupWidth / 2
            out +=
                "<text x=\"\(Self.n(cx))\" y=\"\(Self.n(height - bottom + 16))\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
        }
        out +=
            "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(top + plotHeight))\" x2=\"\(Self.n(width - right))\" y2=\"\(Self.n(top + plotHeight))\" stroke=\"#8a94a6\"/>"
        if labels.isEmpty {
            out +=
                "<text x=\"\(Self.n(width / 2))\" y=\"\(Self.n(height / 2))\" text-anchor=\"middle\">No data yet</text>"
        }
        return out + "</svg>"
    }

    static func n(_ value: Double) -> String { String(format: "%.1f", value) }
}
