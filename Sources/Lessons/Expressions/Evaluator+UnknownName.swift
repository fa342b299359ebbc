/// What to say when a name is not in the store: the names a reader most likely meant.
extension ExpressionEvaluator {
    /// A misspelt name is told apart from an index past the end of a list, and answered with the
    /// names that share its first component (at most 8) or, failing that, the first components.
    func unknownName(_ name: String) -> String {
        if let open = name.lastIndex(of: "["), case .list(let items)? = store[String(name[..<open])] {
            let base = String(name[..<open])
            return items.isEmpty ? "\(name): \(base) is an empty list"
                : "\(name): \(base) is a list of \(items.count) values (indices 0…\(items.count - 1))"
        }
        let first = String(name.prefix { $0 != "." && $0 != "[" })
        let known = store.names(startingWith: first).filter { n in
            n.count == first.count || [".", "["].contains(n.dropFirst(first.count).first)
        }
        if known.isEmpty {
            var firsts: [String] = []
            for n in store.names {
                let f = String(n.prefix { $0 != "." && $0 != "[" })
                if !firsts.contains(f) { firsts.append(f) }
            }
            return "unknown name '\(name)'; no value's name starts with '\(first)'"
                + (firsts.isEmpty ? " (no values are set yet)" : "; names start with: " + Self.atMost8(firsts))
        }
        // Closest first, so the name meant is among the 8 shown even in a crowded prefix.
        let ranked = known.enumerated().map { (distance: Self.editDistance($0.element, name), order: $0.offset, name: $0.element) }
            .sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.map(\.name)
        return "unknown name '\(name)'; known names starting with '\(first)': " + Self.atMost8(ranked)
    }

    /// Levenshtein distance in characters (names are short: a row at a time is enough).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var row = Array(0...b.count)  // distances from the first i characters of a to each prefix of b
        for (i, ca) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, cb) in b.enumerated() {
                let replaced = diagonal + (ca == cb ? 0 : 1)
                diagonal = row[j + 1]
                row[j + 1] = Swift.min(replaced, row[j + 1] + 1, row[j] + 1)
            }
        }
        return row[b.count]
    }

    private static func atMost8(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count - 8) more)" : "")
    }
}
