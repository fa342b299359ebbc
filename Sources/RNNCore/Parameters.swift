/// Where one named weight lives in a model's flat parameter vector.
///
/// Every weight of a model (all layers, directions, the embedding and the readout) is one slice
/// of a single `[Double]`, so optimizers, clipping and the gradient checker treat the model as
/// one vector, while cells read their stacked gate matrices as contiguous row blocks.
public struct TensorSlot: Sendable, Hashable {
    /// The name used in MODEL.json and in the trace's `grads` (for example `W_hf`).
    public let name: String
    /// Offset of the first entry in the flat parameter vector.
    public let offset: Int
    public let rows: Int
    /// 1 for a vector; vectors are written as flat JSON arrays.
    public let cols: Int
    public let isVector: Bool

    public var count: Int { rows * cols }
    public var range: Range<Int> { offset..<(offset + count) }
    /// The shape as a reader would say it: `[H, X]` or `[H]`.
    public var shape: [Int] { isVector ? [rows] : [rows, cols] }
}

/// The ordered list of a model's weights; the order is the allocation order and is stable.
public struct ParameterLayout: Sendable {
    public private(set) var slots: [TensorSlot] = []
    public private(set) var count = 0
    private var index: [String: Int] = [:]

    public init() {}

    /// Appends a matrix (rows × cols) and returns its offset.
    @discardableResult
    mutating func addMatrix(_ name: String, rows: Int, cols: Int) -> Int {
        add(TensorSlot(name: name, offset: count, rows: rows, cols: cols, isVector: false))
    }

    /// Appends a vector of length n and returns its offset.
    @discardableResult
    mutating func addVector(_ name: String, count n: Int) -> Int {
        add(TensorSlot(name: name, offset: count, rows: n, cols: 1, isVector: true))
    }

    private mutating func add(_ slot: TensorSlot) -> Int {
        precondition(index[slot.name] == nil, "duplicate parameter \(slot.name)")
        index[slot.name] = slots.count
        slots.append(slot)
        count += slot.count
        return slot.offset
    }

    public func slot(named name: String) -> TensorSlot? {
        index[name].map { slots[$0] }
    }
}
