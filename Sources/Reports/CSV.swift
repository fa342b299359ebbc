/// The data behind a figure or a table, as CSV (RFC 4180): a header row, then one row per
/// record; fields with a comma, quote or line break are quoted. Headers are in the page's
/// language, as the figure's axis labels are (a Korean page's CSV has `유닛 1`, `계열`), except
/// symbols such as `t`. Numbers are written in their
/// shortest exact form, so a spreadsheet or pandas reads back the values the report plotted.
public enum CSV {
    public static func text(headers: [String], rows: [[String]]) -> String {
        ([headers] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A shortest round-trip number; non-finite values as `NaN`, `inf`, `-inf` (pandas reads them).
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return NumberFormat.exact(v)
    }

    static func field(_ s: String) -> String {
        var s = s
        // A text field a spreadsheet would run as a formula (=, +, @, or - before a non-number)
        // gets a leading apostrophe: labels come from lessons shared between people.
        if let first = s.first, "=+@".contains(first) || (first == "-" && Double(s) == nil) { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension LineChart {
    /// One row per point: series, x, y.
    public var csv: String {
        CSV.text(headers: [language == "ko" ? "계열" : "series", xLabel, yLabel],
                 rows: series.flatMap { s in s.points.map { [s.name, CSV.number($0.x), CSV.number($0.y)] } })
    }
}

extension Heatmap {
    /// One row per step, one column per unit (every value, not the averaged blocks drawn).
    public var csv: String {
        CSV.text(headers: ["t"] + (1...max(units, 1)).map { "\(Heatmap.unitLabel(language)) \($0)" },
                 rows: (0..<steps).map { t in [String(t + 1)] + (0..<units).map { CSV.number(values[t * units + $0]) } })
    }
}

extension BarChart {
    public var csv: String {
        CSV.text(headers: [language == "ko" ? "항목" : "label", valueLabel], rows: bars.map { [$0.label, CSV.number($0.value)] })
    }
}

extension Table {
    /// The table as shown (its cells are already formatted for reading).
    public var csv: String { CSV.text(headers: headers, rows: rows) }
}
