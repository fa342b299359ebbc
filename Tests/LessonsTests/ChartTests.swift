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
        let svg = map.svg(id: "m")
        #expect(svg.utf8.count < 600_000)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
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
