import Foundation

/// Number formatting shared by tables, charts and prose: short, fixed, locale-independent.
public enum NumberFormat {
    /// 4 significant digits, scientific outside [1e−3, 1e5).
    public static func short(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "∞" : "−∞" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e-3 && a < 1e5 { return String(format: "%.4g", v) }
        return String(format: "%.3e", v)
    }

    /// A finite number exactly, in its shortest round-trip form: whole numbers without a
    /// decimal point (`40`, not `40.0`), others as Swift prints them (`0.1`, `1e-06`). The one
    /// spelling of values.json, data files and value keys; callers spell non-finite values.
    public static func exact(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// A fixed number of decimals, for gate tables.
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        if !v.isFinite { return short(v) }
        let text = String(format: "%.\(decimals)f", v)
        // −0.0004 to 3 decimals is "-0.000": a sign on zero only confuses a table.
        return text.hasPrefix("-") && text.dropFirst().allSatisfy { $0 == "0" || $0 == "." } ? String(text.dropFirst()) : text
    }

    /// An integer with thousands separators (1,276), as Keras prints parameter counts.
    public static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (k, c) in digits.reversed().enumerated() {
            if k > 0 && k % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }

    /// 10 to an integer power with superscript digits: 10⁻³.
    public static func powerOfTen(_ e: Int) -> String {
        let sup = Array("⁰¹²³⁴⁵⁶⁷⁸⁹")
        let digits = String(abs(e)).map { sup[Int(String($0))!] }
        return "10" + (e < 0 ? "⁻" : "") + String(digits)
    }
}
