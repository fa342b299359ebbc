/// Typed, located access to one field of a parsed JSON file, producing `InputError`s that name
/// the file, line and dotted field path.
struct FieldReader {
    let file: String
    let node: JSONNode
    /// `weights.W_hf`, `x[3]`; nil for the file's top level.
    let path: String?

    func error(_ message: String) -> InputError {
        InputError(file: file, line: node.line, field: path, message: message)
    }

    private func child(_ node: JSONNode, key: String) -> FieldReader {
        FieldReader(file: file, node: node, path: path.map { "\($0).\(key)" } ?? key)
    }

    private func element(_ node: JSONNode, index: Int) -> FieldReader {
        FieldReader(file: file, node: node, path: "\(path ?? "")[\(index)]")
    }

    private var kindName: String {
        switch node.value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// An object whose keys must all be in `allowed` (any key when nil).
    func object(allowed: Set<String>?) throws(InputError) -> ObjectReader {
        guard case .object(let members) = node.value else {
            throw error("must be a JSON object, not \(kindName)")
        }
        if let allowed {
            for (key, value) in members where !allowed.contains(key) {
                throw child(value, key: key).error("is not a known key (known: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        return ObjectReader(reader: self, members: members.map { ($0.key, child($0.value, key: $0.key)) })
    }

    func string() throws(InputError) -> (value: String, line: Int) {
        guard case .string(let s) = node.value else { throw error("must be a string, not \(kindName)") }
        return (s, node.line)
    }

    func bool() throws(InputError) -> Bool {
        guard case .bool(let b) = node.value else { throw error("must be true or false, not \(kindName)") }
        return b
    }

    /// A bare integer (`3`, not `3.0`, `3e0` or `[3]`), read from its text so that it is exact
    /// beyond 2^53; `value` is nil for one beyond Int (2^63 is an integer out of range, not a
    /// non-integer), and `text` is what messages quote.
    private func bareInteger() throws(InputError) -> (value: Int?, text: String) {
        guard case .number(_, let text) = node.value else {
            throw error("must be a bare integer, not \(kindName)")
        }
        guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else {
            throw error("must be a bare integer (like 3), not \(InputError.excerpt(text))")
        }
        // The reader has checked the syntax (-?digits), so Int fails on the range alone.
        return (Int(text), text)
    }

    /// A size or count: a bare integer from 1 to `limit`.
    func positiveInteger(atMost limit: Int = Int.max) throws(InputError) -> Int {
        let (value, text) = try bareInteger()
        guard let i = value, i <= limit else {
            if text.hasPrefix("-") { throw error("must be a positive integer, not \(InputError.excerpt(text))") }
            throw error("is \(InputError.excerpt(text)); rnnlab accepts at most \(limit)")
        }
        guard i > 0 else { throw error("must be a positive integer, not \(i)") }
        return i
    }

    func integer(below limit: Int, what: String, limitName: String) throws(InputError) -> Int {
        let (value, text) = try bareInteger()
        guard let i = value, i >= 0 && i < limit else {
            let range = limit == 1 ? "must be 0" : "must be 0 … \(limit - 1)"
            throw error("is \(what) \(InputError.excerpt(text)), out of range: \(range) (\(limitName) is \(limit))")
        }
        return i
    }

    func integers(below limit: Int, what: String, limitName: String) throws(InputError) -> [Int] {
        guard case .array(let items) = node.value else {
            throw error("must be an array of \(what)s, not \(kindName)")
        }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for (k, item) in items.enumerated() {
            out.append(try element(item, index: k).integer(below: limit, what: what, limitName: limitName))
        }
        return out
    }

    /// An array of exactly `count` numbers.
    func vector(count: Int, label: String) throws(InputError) -> [Double] {
        try checkVector(count: count, label: label)
        var out = [Double](repeating: 0, count: count)
        try readVector(into: &out, at: 0)
        return out
    }

    /// Throws unless this is an array of `count` entries.
    private func checkVector(count: Int, label: String) throws(InputError) {
        guard case .array(let items) = node.value else {
            throw error("must be an array of \(count) numbers, not \(kindName)")
        }
        guard items.count == count else {
            throw error("has \(items.count) entries, \(label) is \(count)")
        }
    }

    /// Stores the entries of an array `checkVector` has passed, each a finite number.
    private func readVector(into out: inout [Double], at offset: Int) throws(InputError) {
        guard case .array(let items) = node.value else { return }
        for (k, item) in items.enumerated() {
            guard case .number(let v, let text) = item.value else {
                throw element(item, index: k).error("must be a number, not \(element(item, index: k).kindName)")
            }
            guard v.isFinite else {
                throw element(item, index: k).error("is \(InputError.excerpt(text)), too large for a double (beyond ±1.8e308): every number must be finite")
            }
            out[offset + k] = v
        }
    }

    /// An array of rows of `cols` numbers each; returns the flat values and the row count.
    /// Every row's length is checked before the values are allocated, so that a file of empty
    /// rows cannot ask for rows × cols doubles it does not hold.
    func matrix(cols: Int, colsLabel: String) throws(InputError) -> ([Double], Int) {
        guard case .array(let rows) = node.value else {
            throw error("must be an array of rows, not \(kindName)")
        }
        for (r, row) in rows.enumerated() {
            try element(row, index: r).checkVector(count: cols, label: colsLabel)
        }
        var out = [Double](repeating: 0, count: rows.count * cols)
        for (r, row) in rows.enumerated() {
            try element(row, index: r).readVector(into: &out, at: r * cols)
        }
        return (out, rows.count)
    }

    /// Throws unless this weight has the exact shape `slot` gives. Checked for every weight
    /// before the parameters are allocated, so that a model the file does not hold (hidden_size
    /// 100000 with a 3 × 3 W_hh) is refused rather than allocating what its sizes claim.
    func checkTensor(_ slot: TensorSlot, labels: (rows: String, cols: String)) throws(InputError) {
        if slot.isVector {
            try checkVector(count: slot.rows, label: labels.rows)
            return
        }
        guard case .array(let rows) = node.value else {
            throw error("must be an array of \(slot.rows) rows, not \(kindName)")
        }
        guard rows.count == slot.rows else {
            throw error("has \(rows.count) rows, \(labels.rows) is \(slot.rows)")
        }
        for (r, row) in rows.enumerated() {
            let rowReader = element(row, index: r)
            guard case .array(let items) = row.value else {
                throw rowReader.error("must be an array of \(slot.cols) numbers, not \(rowReader.kindName)")
            }
            guard items.count == slot.cols else {
                throw rowReader.error("has \(items.count) columns, \(labels.cols) is \(slot.cols)")
            }
        }
    }

    /// A weight `checkTensor` has passed, stored into the flat parameter vector.
    func readTensor(_ slot: TensorSlot, into out: inout [Double]) throws(InputError) {
        guard case .array(let rows) = node.value else { return }
        if slot.isVector {
            try readVector(into: &out, at: slot.offset)
            return
        }
        for (r, row) in rows.enumerated() {
            try element(row, index: r).readVector(into: &out, at: slot.offset + r * slot.cols)
        }
    }
}

/// The members of a JSON object, looked up by key.
struct ObjectReader {
    let reader: FieldReader
    let members: [(key: String, value: FieldReader)]

    func optional(_ key: String) -> FieldReader? {
        members.first { $0.key == key }?.value
    }

    func required(_ key: String) throws(InputError) -> FieldReader {
        guard let value = optional(key) else { throw error(key, line: nil, "is missing") }
        return value
    }

    func error(_ key: String, line: Int?, _ message: String) -> InputError {
        let path = reader.path.map { "\($0).\(key)" } ?? key
        return InputError(file: reader.file, line: line ?? optional(key)?.node.line, field: path, message: message)
    }
}
