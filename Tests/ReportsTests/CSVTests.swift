import Testing
@testable import Reports

/// The data behind figures and tables, as CSV.
@Suite("CSV data files")
struct CSVTests {
    @Test func fieldsAreQuotedAsRFC4180Says() {
        #expect(CSV.text(headers: ["a", "b"], rows: [["1", "x,y"], ["say \"hi\"", "two\nlines"]])
                == "a,b\r\n1,\"x,y\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
    }

    @Test func textThatASpreadsheetWouldRunIsDefused() {
        #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.field("+1+1") == "'+1+1" && CSV.field("@SUM(A1)") == "'@SUM(A1)" && CSV.field("-x") == "'-x")
        #expect(CSV.field("-0.5") == "-0.5" && CSV.field("1e-3") == "1e-3", "numbers stay numbers")
    }

    @Test func numbersAreShortestExactAndNonFiniteReadable() {
        #expect(CSV.number(0.1) == "0.1" && CSV.number(3) == "3" && CSV.number(1e-300) == "1e-300")
        #expect(CSV.number(.nan) == "NaN" && CSV.number(.infinity) == "inf" && CSV.number(-.infinity) == "-inf")
        #expect(Double(CSV.number(0.1 + 0.2)) == 0.1 + 0.2)
    }

    @Test func chartsWriteEveryPointTheyPlot() {
        let chart = LineChart(title: "t", xLabel: "epoch", yLabel: "loss",
                              series: [.init(name: "a", points: [(1, 0.5), (2, 0.25)]), .init(name: "b, c", points: [(1, 2)])])
        #expect(chart.csv == "series,epoch,loss\r\na,1,0.5\r\na,2,0.25\r\n\"b, c\",1,2\r\n")
        let map = Heatmap(title: "h", values: [1, 2, 3, 4, 5, 6], steps: 2, units: 3, scale: .diverging)
        #expect(map.csv == "t,unit 1,unit 2,unit 3\r\n1,1,2,3\r\n2,4,5,6\r\n")
        let bars = BarChart(title: "b", bars: [("W_hh", 256)], valueLabel: "parameters")
        #expect(bars.csv == "label,parameters\r\nW_hh,256\r\n")
    }

    @Test func reportsLinkEachFigureAndTableToItsData() {
        var report = Report(name: "r", title: "t", language: "ko", summary: "")
        var cell = CellBlock(line: 3, source: "show: x")
        cell.outputs = [.table(Table(headers: ["a"], rows: [["1"]])),
                        .figure(Figure(id: "fig-01", svg: "<svg></svg>", caption: "", alt: "x", data: ("csv", "a\r\n1\r\n"))),
                        .table(Table(headers: ["b"], rows: [["2"]]))]
        report.blocks = [.cell(cell)]
        let (md, files) = MarkdownWriter.write(report)
        #expect(files.map(\.name) == ["table-01.csv", "fig-01.svg", "fig-01.csv", "table-02.csv"])
        #expect(files.first { $0.name == "table-02.csv" }?.contents == "b\r\n2\r\n")
        #expect(md.contains("[데이터: fig-01.csv](fig-01.csv)") && md.contains("[데이터: table-02.csv](table-02.csv)"))
        let html = HTMLWriter.write(report)
        #expect(html.contains("<a href=\"table-01.csv\">데이터 (CSV)</a>") && html.contains("<a href=\"fig-01.csv\">데이터 (CSV)</a>")
                && html.contains("<a href=\"table-02.csv\">"))
    }
}
