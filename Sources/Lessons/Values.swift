import Reports

/// A named value of a lesson's run: what prose interpolates (`{{ lstm.test.accuracy | percent }}`),
/// what `expect` checks, and what `values.json` holds. One name from cell to page.
public enum LessonValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    /// A series: loss per epoch, ‖dL/dh_t‖ for t = 0…T, one value per seed.
    case list([Double])
}

/// The named values of one run, in the order they were first set.
///
/// Names are dotted (`lstm.test.accuracy`); a name may end in a key in brackets
/// (`sweep.jacobian[0.5]`, `lstm.test.accuracy[40]`) for values indexed by a swept value or a
/// length. Looking up `name[k]` that was not set explicitly falls back to element k (0-based) of
/// the list `name`, so `lm.step.dh_norm[3]` is ‖dL/dh_3‖.
public final class ValueStore {
    public private(set) var names: [String] = []
    private var table: [String: LessonValue] = [:]

    public init() {}

    /// Sets (or replaces) a value; a replaced value keeps its place in `names`.
    public func set(_ name: String, _ value: LessonValue) {
        if table[name] == nil { names.append(name) }
        table[name] = value
    }

    public func set(_ name: String, _ number: Double) { set(name, .number(number)) }
    public func set(_ name: String, _ number: Int) { set(name, .number(Double(number))) }

    /// The key of `name[value]` for a numeric key, written as the lesson would write it
    /// (`0.5`, `40`, `1e-06`).
    public static func key(_ name: String, _ value: Double) -> String {
        "\(name)[\(keyText(value))]"
    }

    static func keyText(_ value: Double) -> String { NumberFormat.exact(value) }

    public subscript(_ name: String) -> LessonValue? {
        if let v = table[name] { return v }
        // name[k]: an explicit key written another way (0.50 for 0.5), or element k of a list.
        guard name.hasSuffix("]"), let open = name.lastIndex(of: "[") else { return nil }
        let base = String(name[..<open])
        let inner = name[name.index(after: open)..<name.index(before: name.endIndex)].trimmingCharacters(in: .whitespaces)
        guard let k = Double(inner) else { return nil }
        if let v = table[Self.key(base, k)] { return v }
        // Int(exactly:) rather than Int(_:): an index of 1e19 or inf is no element, not a trap.
        if case .list(let items)? = table[base], let i = Int(exactly: k), i >= 0, i < items.count {
            return .number(items[i])
        }
        return nil
    }

    /// Names that start with `prefix`, for "did you mean" messages.
    public func names(startingWith prefix: String) -> [String] {
        names.filter { $0.hasPrefix(prefix) }
    }

    /// `values.json`: one flat object, names in the order they were set, numbers in their
    /// shortest exact form (non-finite numbers as the strings "NaN", "Infinity", "-Infinity").
    public func json() -> String {
        var out = "{\n"
        for (k, name) in names.enumerated() {
            out += "  " + Escape.json(name) + ": " + Self.json(table[name]!)
            out += k + 1 < names.count ? ",\n" : "\n"
        }
        return out + "}\n"
    }

    static func json(_ value: LessonValue) -> String {
        switch value {
        case .number(let v): return jsonNumber(v)
        case .text(let s): return Escape.json(s)
        case .list(let items): return "[" + items.map(jsonNumber).joined(separator: ", ") + "]"
        }
    }

    static func jsonNumber(_ v: Double) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return NumberFormat.exact(v)
    }
}
