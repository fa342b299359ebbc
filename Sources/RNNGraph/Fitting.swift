import Foundation
import Reports

/// A diagram drawn once per width it must read at: the widest for wide screens, then folded
/// until its text is legible (`Legibility.minimumTextPixels`) without scrolling in the page
/// column, on an A4 handout page and on a phone. The page shows the one that fits its figure's
/// width (`FitWidth`'s container queries).
/// A diagram that can fold its steps to a given count (`UnrolledDiagram`, `Seq2SeqDiagram`).
public protocol FoldableDiagram: Sendable {
    /// The most steps drawn (per half, for an encoder–decoder); nil: the diagram's own folding.
    var maxVisible: Int? { get set }
    /// Steps drawn with the diagram's own folding.
    var stepsDrawn: Int { get }
    /// The fewest steps it can draw (the first, the last and those it must keep).
    var fewestSteps: Int { get }
    var dot: DOTGraph { get }
}

/// The steps of 1 … n drawn when at most `limit` are: the first, the last and `keep`, then the
/// newest and the oldest alternately.
func foldedSteps(_ n: Int, keep: Set<Int> = [], limit: Int) -> [Int] {
    guard n > limit else { return Array(1...max(n, 1)) }
    var shown: Set<Int> = [1, n]
    for t in keep where t >= 1 && t <= n { shown.insert(t) }
    var head = 2, tail = n - 1, fromEnd = true
    while shown.count < limit && head <= tail {
        if fromEnd { shown.insert(tail); tail -= 1 } else { shown.insert(head); head += 1 }
        fromEnd.toggle()
    }
    return shown.sorted()
}

extension UnrolledDiagram: FoldableDiagram {
    public var stepsDrawn: Int { visibleSteps.count }
    public var fewestSteps: Int { Set([1, steps] + keep.filter { $0 >= 1 && $0 <= steps }).count }
}

extension FoldableDiagram {
    /// This diagram folded to fit each of `FitWidth`'s widths, widest first, one drawing per
    /// distinct folding. Steps in `keep` stay visible in every one, whatever the width.
    public func fitted() throws(GraphvizError) -> [FigureVariant] {
        let full = stepsDrawn
        let least = min(full, fewestSteps)
        var rendered: [Int: (svg: String, width: Double)] = [:]
        func render(_ n: Int) throws(GraphvizError) -> (svg: String, width: Double) {
            if let r = rendered[n] { return r }
            var d = self
            d.maxVisible = n == full ? nil : n
            let svg = try Graphviz.untitledSVG(d.dot)
            let body = svg.range(of: "<svg").map { String(svg[$0.lowerBound...]) } ?? svg
            let r = (svg, Legibility.minimumWidth(body) ?? 0)
            rendered[n] = r
            return r
        }
        var chosen: [(n: Int, width: FitWidth)] = []
        var n = full, bound = full
        for target in FitWidth.allCases {
            while n > least {
                let w = try render(n).width
                if w <= target.pixels { break }
                // Estimate a step's width from what has been drawn, and fold that many more.
                let perStep: Double
                if n < full { perStep = (try render(full).width - w) / Double(full - n) } else { perStep = w / Double(n) }
                let over = Int(((w - target.pixels) / max(perStep, 1)).rounded(.up))
                n = max(least, n - max(1, over))
            }
            // The estimate may fold one step too many: draw the next wider while it fits.
            while n < bound, try render(n + 1).width <= target.pixels { n += 1 }
            bound = n
            chosen.append((n, target))
        }
        var out: [FigureVariant] = []
        for (n, width) in chosen {
            if let last = out.last, last.steps == n { out[out.count - 1].widths.append(width); continue }
            out.append(FigureVariant(svg: try render(n).svg, widths: [width], steps: n))
        }
        return out
    }
}
