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

@Suite("Markdown before Ink")
struct InkPrepassTests {
    @Test func indentedCodeBecomesFencedAndCodeSpansStayInTheirParagraph() {
        let md = "one line\n`code` continues it.\n\n    h_t = tanh(a_t)\n\n    y_t = W h_t\n\nAfter.\n```python\n    x = 1\n`not joined`\n```"
        let out = InkPrepass.apply(md)
        #expect(out.contains("one line `code` continues it."))
        #expect(out.contains("```text\nh_t = tanh(a_t)\n\ny_t = W h_t\n```"))
        #expect(out.contains("```python\n    x = 1\n`not joined`\n```"), "fenced blocks are left alone")
        var report = Report(name: "r", title: "t", language: "en", summary: "")
        report.blocks = [.prose(md)]
        let html = HTMLWriter.write(report)
        #expect(html.contains("<pre><code class=\"language-text\">h_t = tanh(a_t)") && !html.contains("<em>t"))
        #expect(html.contains("<p>one line <code>code</code> continues it.</p>"))
    }

    @Test func underscoresInsideWordsAreNotEmphasis() {
        let md = "The same W_xh, W_hh and b_h; ‖dL/dh_12‖ and x_t = y_{t−1}; `keep_this` and _real emphasis_."
        var report = Report(name: "r", title: "t", language: "en", summary: "")
        report.blocks = [.prose(md)]
        let html = HTMLWriter.write(report)
        #expect(html.contains("The same W_xh, W_hh and b_h; ‖dL/dh_12‖ and x_t = y_{t−1};"), "\(html)")
        #expect(html.contains("<code>keep_this</code>") && html.contains("<em>real emphasis</em>"))
        #expect(InkPrepass.apply("`a_b` c_d") == "`a_b` c\\_d")
    }

    @Test func listsHeadingsAndTablesAreNotJoined() {
        let md = "- item\n`code` alone\n\n| a |\n`b`"
        #expect(InkPrepass.apply(md) == md)
    }
}
