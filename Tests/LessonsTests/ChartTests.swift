import Testing
@testable import Reports

@Suite("Charts")
struct ChartTests {
    @Test func logScaleLineChartHasDecadeTicksLegendAndTextAlternative() {
        let chart = LineChart(title: "Norms <&>", xLabel: "t", yLabel: "‖dL/dh‖", logY: true, series: [
            .init(name: "a", points: [(0, 1e-6), (1, 1e-3), (2, 0.5)]),
            .init(name: "b", points: [(0, 0), (1, .nan), (2, 2)]),  // zero and NaN are skipped, not plotted
        ], marker: 1)
        let svg = chart.svg(id: "c1")
        #expect(svg.contains("10⁻⁶") && svg.contains("10⁰"))
        #expect(svg.contains("<title id=\"c1-title\">Norms &lt;&amp;&gt;</title>"))
        #expect(svg.contains("<desc id=\"c1-desc\">") && svg.contains("on a log scale"))
        #expect(svg.contains("id=\"c1-marker\""))
        #expect(svg.contains(">a</text>") && svg.contains(">b</text>"), "legend for two series")
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func heatmapAveragesLongRecordsAndSaysSo() {
        let T = 1000, H = 128
        let values = (0..<(T * H)).map { Double($0 % 7) / 7 - 0.5 }
        let map = Heatmap(title: "h", values: values, steps: T, units: H, scale: .diverging)
        #expect(map.blocks.steps == 7 && map.blocks.units == 2)
        #expect(map.caption == "each column is the mean of 7 steps, each row the mean of 2 units")
        var ko = map
        ko.language = "ko"
        #expect(ko.caption == "각 열은 7개 시점의 평균, 각 행은 2개 유닛의 평균")
        let svg = map.svg(id: "m")
        #expect(svg.utf8.count < 600_000)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
    }

    @Test func heatmapAxisAndCSVHeadersAreInThePagesLanguage() {
        var map = Heatmap(title: "h", values: [0.1, -0.2, 0.3, 0.4], steps: 2, units: 2, scale: .diverging)
        #expect(map.svg(id: "m").contains(">unit</text>") && map.csv.hasPrefix("t,unit 1,unit 2\r\n"))
        map.language = "ko"
        let svg = map.svg(id: "m")
        #expect(svg.contains(">유닛</text>") && !svg.contains(">unit<"))
        #expect(map.csv.hasPrefix("t,유닛 1,유닛 2\r\n"))
        let bars = BarChart(language: "ko", title: "b", bars: [("W", 2)], valueLabel: "파라미터 수", logScale: true)
        #expect(bars.svg(id: "b").contains("파라미터 수 (로그 눈금)") && bars.csv.hasPrefix("항목,파라미터 수\r\n"))
        let line = LineChart(language: "ko", title: "l", xLabel: "에포크", yLabel: "손실", series: [.init(name: "손실", points: [(1, 2)])])
        #expect(line.csv == "계열,에포크,손실\r\n손실,1,2\r\n")
    }

    @Test func colourScalesAreMonotoneInLightnessForPrint() {
        // The 0–1 scale must read in grayscale: lightness rises with the value.
        func luminance(_ hex: String) -> Double {
            let v = Int(hex.dropFirst(), radix: 16)!
            return 0.299 * Double(v >> 16) + 0.587 * Double((v >> 8) & 255) + 0.114 * Double(v & 255)
        }
        let lum = stride(from: 0.0, through: 1.0, by: 0.1).map { luminance(Heatmap.color($0, .unitInterval)) }
        #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    }
}
