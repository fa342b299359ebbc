import Foundation

/// A sequential colour scale for magnitudes on a log scale (viridis, sampled): perceptually
/// uniform, readable by colour-blind readers, and monotone in lightness so it survives grayscale.
public struct LogColorScale: Sendable {
    public let lowExponent: Double
    public let highExponent: Double

    /// The scale spanning the positive finite values given (a decade at least).
    public init(values: [Double]) {
        let logs = values.filter { $0 > 0 && $0.isFinite }.map { log10($0) }
        var low = (logs.min() ?? 0).rounded(.down), high = (logs.max() ?? 0).rounded(.up)
        if high - low < 1 { high = low + 1 }
        lowExponent = low
        highExponent = high
    }

    /// Position in [0, 1]; 0 for zero or below the range, 1 for infinity or above.
    public func position(_ v: Double) -> Double {
        guard v > 0 else { return 0 }
        guard v.isFinite else { return 1 }
        return min(1, max(0, (log10(v) - lowExponent) / (highExponent - lowExponent)))
    }

    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (72, 40, 120), (62, 74, 137), (49, 104, 142), (38, 130, 142),
        (31, 158, 137), (53, 183, 121), (109, 205, 89), (180, 222, 44), (253, 231, 37),
    ]

    /// `#rrggbb` for a position; dark (small) to bright (large).
    public static func color(at p: Double) -> String {
        let x = min(1, max(0, p)) * Double(viridis.count - 1)
        let i = min(Int(x), viridis.count - 2), f = x - Double(i)
        let a = viridis[i], b = viridis[i + 1]
        func c(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * f).rounded()) }
        return String(format: "#%02x%02x%02x", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    public func color(_ v: Double) -> String { Self.color(at: position(v)) }

    /// Edge width in points: 0.6 for the smallest magnitude to 7 for the largest.
    public func width(_ v: Double) -> Double { 0.6 + 6.4 * position(v) }
}
