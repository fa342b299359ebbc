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

    /// A bare integer: `3`, not `3.0`, `3e0` or `[3]`.
    func bareInteger() throws(InputError) -> Int {
        guard case .number(let v, let text) = node.value else {
            throw error("must be a bare integer, not \(kindName)")
        }
        guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
            let i = Int(exactly: v), abs(v) < 9e15
        else { throw error("must be a bare integer (like 3), not \(text)") }
        return i
    }

    func positiveInteger() throws(InputError) -> Int {
        let i = try bareInteger()
        guard i > 0 else { throw error("must be a positive integer, not \(i)") }
        return i
    }

    func integer(below limit: Int, what: String, limitName: String) throws(InputError) -> Int {
        let i = try bareInteger()
        guard i >= 0 && i < limit else {
            throw error("is \(what) \(i), out of range: must be 0 … \(limit - 1) (\(limitName) is \(limit))")
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
        var out = [Double](repeating: 0, count: count)
        try readVector(count: count, label: label, into: &out, at: 0)
        return out
    }

    private func readVector(count: Int, label: String, into out: inout [Double], at offset: Int) throws(InputError) {
        guard case .array(let items) = node.value else {
            throw error("must be an array of \(count) numbers, not \(kindName)")
        }
        guard items.count == count else {
            throw error("has \(items.count) entries, \(label) is \(count)")
        }
        for (k, item) in items.enumerated() {
            guard case .number(let v, _) = item.value else {
                throw element(item, index: k).error("must be a number, not \(element(item, index: k).kindName)")
            }
            out[offset + k] = v
        }
    }

    /// An array of rows of `cols` numbers each; returns the flat values and the row count.
    func matrix(cols: Int, colsLabel: String) throws(InputError) -> ([Double], Int) {
        guard case .array(let rows) = node.value else {
            throw error("must be an array of rows, not \(kindName)")
        }
        var out = [Double](repeating: 0, count: rows.count * cols)
        for (r, row) in rows.enumerated() {
            try element(row, index: r).readVector(count: cols, label: colsLabel, into: &out, at: r * cols)
        }
        return (out, rows.count)
    }

    /// A weight of the exact shape `slot` gives, stored into the flat parameter vector.
    func readTensor(_ slot: TensorSlot, labels: (rows: String, cols: String), into out: inout [Double]) throws(InputError) {
        if slot.isVector {
            guard case .array(let items) = node.value else {
                throw error("must be an array of \(slot.rows) numbers, not \(kindName)")
            }
            guard items.count == slot.rows else {
                throw error("has \(items.count) entries, \(labels.rows) is \(slot.rows)")
            }
            try readVector(count: slot.rows, label: labels.rows, into: &out, at: slot.offset)
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
            try rowReader.readVector(count: slot.cols, label: labels.cols, into: &out, at: slot.offset + r * slot.cols)
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
