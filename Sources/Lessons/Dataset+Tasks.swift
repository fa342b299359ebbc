import Foundation
import RNNCore

/// A generated task's recipe: everything needed to generate it again at another length or as
/// a held-out part. `lengths` (for copy, `distractors`) cycle: sequence i gets entry i mod count.
enum GeneratedTask {
    case lastValue(lengths: [Int], inputSize: Int)
    case copy(symbols: Int, distractorSymbols: Int, distractors: [Int])
    case sum(lengths: [Int], mean: Bool)
    case adding(lengths: [Int], variant: AddingVariant)
    case temporalOrder(lengths: [Int])
    /// Subject–verb agreement: a subject, `distances` filler words, was or were.
    case agreement(distances: [Int])
    /// Tag each word of a sentence as part of a person's name or not.
    case nameTagging

    /// Which form of the adding problem.
    enum AddingVariant: String {
        /// Hochreiter & Schmidhuber 1997: values in [−1, 1], target 0.5 + (X1 + X2)/4.
        case scaled
        /// Le, Jaitly & Hinton 2015: values in [0, 1], target X1 + X2.
        case sum
    }

    /// The name a lesson uses for it.
    var name: String {
        switch self {
        case .lastValue: "last_value"
        case .copy: "copy"
        case .sum: "sum"
        case .adding: "adding"
        case .temporalOrder: "temporal_order"
        case .agreement: "agreement"
        case .nameTagging: "name_tagging"
        }
    }

    /// Size of x_t as a model reads it (one-hot size for symbolic tasks).
    var inputSize: Int {
        switch self {
        case .lastValue(_, let x): x
        case .copy(let n, let k, _): n + k
        case .sum: 1
        case .adding: 2
        case .temporalOrder: TemporalOrder.symbols.count
        case .agreement: Agreement.vocabulary.count
        case .nameTagging: NameTagging.vocabulary.count
        }
    }

    /// Steps of the longest sequence.
    var longest: Int {
        switch self {
        case .copy(_, _, let k), .agreement(let k): 1 + (k.max() ?? 0)
        case .nameTagging: NameTagging.length
        case .lastValue(let l, _), .sum(let l, _), .adding(let l, _), .temporalOrder(let l): l.max() ?? 0
        }
    }

    /// The shortest sequence the task can be: the adding problem needs a first half with room
    /// for two marks, the temporal order problem room for its two positions.
    var minimumLength: Int {
        switch self {
        case .adding(_, .scaled): 4
        case .adding(_, .sum): 2
        case .temporalOrder: 10
        case .nameTagging: NameTagging.length
        case .lastValue, .copy, .sum, .agreement: 1
        }
    }

    /// The option that sets the lengths (copy counts its distractors, agreement its filler
    /// words: a sequence is one step longer).
    var lengthKey: String {
        switch self {
        case .copy: "distractors"
        case .agreement: "distance"
        default: "length"
        }
    }

    /// Whether the sequences are sentences that must all differ, the held-out ones from every
    /// training one (the word tasks): then `sentences(ofLength:)` says how many there are.
    var distinctSentences: Bool {
        switch self {
        case .agreement, .nameTagging: true
        default: false
        }
    }

    /// How many different sentences of `T` steps the task can make (saturating at Int.max).
    func sentences(ofLength T: Int) -> Int {
        switch self {
        case .agreement: Agreement.sentences(distance: T - 1)
        case .nameTagging: T == NameTagging.length ? NameTagging.sentences : 0
        default: .max
        }
    }

    /// Steps of sequence i of `count`.
    func length(of i: Int) -> Int {
        switch self {
        case .copy(_, _, let k), .agreement(let k): 1 + k[i % k.count]
        case .nameTagging: NameTagging.length
        case .lastValue(let l, _), .sum(let l, _), .adding(let l, _), .temporalOrder(let l): l[i % l.count]
        }
    }

    /// The same task with every sequence `T` steps long.
    func withLength(_ T: Int) -> GeneratedTask {
        withLengths([T])
    }

    /// The same task with these lengths (for copy: these sequence lengths, 1 + distractors).
    func withLengths(_ lengths: [Int]) -> GeneratedTask {
        // A sweep may ask for less than the task can be; it gets the shortest instead.
        let T = lengths.map { max($0, minimumLength) }
        return switch self {
        case .lastValue(_, let x): .lastValue(lengths: T, inputSize: x)
        case .copy(let n, let k, _): .copy(symbols: n, distractorSymbols: k, distractors: T.map { max(0, $0 - 1) })
        case .sum(_, let mean): .sum(lengths: T, mean: mean)
        case .adding(_, let v): .adding(lengths: T, variant: v)
        case .temporalOrder: .temporalOrder(lengths: T)
        case .agreement: .agreement(distances: T.map { max(0, $0 - 1) })
        case .nameTagging: .nameTagging  // one length only
        }
    }

    /// `count` sequences from `seed`; for the word tasks, none of them in `excluding`.
    func generate(name: String, count: Int, seed: UInt64, excluding: Set<[Int]> = []) -> Dataset {
        var rng = SplitMix64(seed: seed)
        switch self {
        case .lastValue(let l, let x): return Dataset.lastValue(name: name, count: count, lengths: l, inputSize: x, rng: &rng)
        case .copy(let n, let k, let d): return Dataset.copy(name: name, count: count, symbols: n, distractorSymbols: k, distractors: d, rng: &rng)
        case .sum(let l, let mean): return Dataset.sum(name: name, count: count, lengths: l, mean: mean, rng: &rng)
        case .adding(let l, let v): return Dataset.adding(name: name, count: count, lengths: l, variant: v, rng: &rng)
        case .temporalOrder(let l): return Dataset.temporalOrder(name: name, count: count, lengths: l, rng: &rng)
        case .agreement(let k): return Dataset.agreement(name: name, count: count, distances: k, excluding: excluding, rng: &rng)
        case .nameTagging: return Dataset.nameTagging(name: name, count: count, excluding: excluding, rng: &rng)
        }
    }

    /// The seed of the test part: the dataset's seed through one SplitMix64 step with a constant
    /// mixed in, so the test stream is unrelated to the training stream.
    static func testSeed(_ seed: UInt64) -> UInt64 {
        var r = SplitMix64(seed: seed ^ 0x7465_7374_7061_7274)  // "testpart"
        return r.next()
    }
}

/// The symbols of the temporal order problem, in one-hot order.
enum TemporalOrder {
    static let symbols = ["a", "b", "c", "d", "X", "Y", "B", "E"]
    static let x = 4, b = 6, e = 7
}

/// The held-out part of a generated dataset: how many sequences, and lengths if they differ.
struct TestPartRecipe {
    var count: Int
    var lengths: [Int]?
}

extension Dataset {
    /// A generated task with its held-out part (`test`, or `split` of the generated sequences),
    /// and the recipe kept so that a length sweep can generate all of it again.
    static func generated(name: String, task: GeneratedTask, count: Int, seed: UInt64,
                          test: TestPartRecipe?, split: Double?) -> Dataset {
        var d = task.generate(name: name, count: count, seed: seed)
        if let test {
            let testTask = test.lengths.map { task.withLengths($0) } ?? task
            d.test = testTask.generate(name: name, count: test.count, seed: GeneratedTask.testSeed(seed),
                                       excluding: task.distinctSentences ? Set(d.tokens) : [])
        } else if let split {
            d = d.holdingOut(last: splitCounts(total: count, fraction: split).test)
        }
        if case .nameTagging = task { return d }  // one length: a sweep resizes its sequences instead
        d.withLength = { T in generated(name: name, task: task.withLength(T), count: count, seed: seed, test: test, split: split) }
        return d
    }

    private static func below(_ n: Int, _ rng: inout SplitMix64) -> Int { Int(rng.next() % UInt64(n)) }

    /// Predict the next value of an arithmetic sequence (course notes 02): x_t holds X
    /// consecutive values a + d·k, the target is the value that follows the last of them.
    static func lastValue(name: String, count: Int, lengths: [Int], inputSize: Int, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "last_value", loss: .mseLast, inputSize: inputSize, outputSize: 1)
        for i in 0..<count {
            let length = lengths[i % lengths.count]
            let a = rng.uniform(0, 1), step = rng.uniform(-0.1, 0.1)
            d.vectors.append((0..<(length * inputSize)).map { a + step * Double($0) })
            d.targets.append(.vectors([a + step * Double(length * inputSize)]))
        }
        return d
    }

    /// Remember the first symbol across k distractors: one of the n target symbols first, then
    /// k steps each drawn from the m distractor symbols (ids n..<n+m, never a target symbol);
    /// the class to predict at the end is the first symbol. With m = 1 the distractor is always
    /// the same and no random number is drawn for it, which keeps the data of older lessons.
    static func copy(name: String, count: Int, symbols n: Int, distractorSymbols m: Int, distractors: [Int],
                     rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "copy", loss: .xentLast, inputSize: n + m, outputSize: n)
        for i in 0..<count {
            let k = distractors[i % distractors.count]
            let first = below(n, &rng)
            var sequence = [first]
            sequence.reserveCapacity(k + 1)
            for _ in 0..<k { sequence.append(m == 1 ? n : n + below(m, &rng)) }
            d.tokens.append(sequence)
            d.targets.append(.classes([first]))
        }
        d.vocabulary = (0..<n).map { "s\($0)" } + (m == 1 ? ["·"] : (0..<m).map { "d\($0)" })
        return d
    }

    /// The sum (or mean) of a sequence of uniform numbers in [0, 1).
    static func sum(name: String, count: Int, lengths: [Int], mean: Bool, rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "sum", loss: .mseLast, inputSize: 1, outputSize: 1)
        for i in 0..<count {
            let length = lengths[i % lengths.count]
            let x = (0..<length).map { _ in rng.uniform() }
            let s = x.reduce(0, +)
            d.vectors.append(x)
            d.targets.append(.vectors([mean ? s / Double(length) : s]))
        }
        return d
    }

    /// The adding problem. Each step is a pair (value, marker); exactly two markers are 1.0,
    /// the others 0.0; the target at the last step comes from the two marked values X1, X2.
    ///
    /// ```
    /// scaled (Hochreiter & Schmidhuber 1997, "Long Short-Term Memory", section 5.4, experiment 4):
    ///   value_t ~ U[−1, 1),  first mark in steps 0 ..< min(10, T/2),
    ///   second in steps 0 ..< T/2 other than the first,  target 0.5 + (X1 + X2)/4 ∈ [0, 1]
    /// sum (Le, Jaitly & Hinton 2015):
    ///   value_t ~ U[0, 1),   first mark in steps 0 ..< T/2,  second in T/2 ..< T,
    ///   target X1 + X2 ∈ [0, 2]
    /// ```
    ///
    /// Where the scaled form differs from the 1997 paper: the paper draws each sequence's length
    /// from [T, T + T/10] (here every sequence has the length given, or cycles through a list
    /// of lengths); it sets the marker of the first and the last pair to −1 (here they are 0,
    /// unless marked); because of that −1 it sets X1 to 0 when the first pair is marked (here
    /// X1 is that pair's value); and it marks one of the first ten pairs whatever T is (here
    /// one of the first min(10, T/2), the same for T ≥ 20). The second mark is drawn as in the
    /// paper: one of the first T/2 − 1 pairs still unmarked, i.e. any of steps 0 ..< T/2 but
    /// the first mark's. The paper's criterion for a sequence processed correctly, an absolute
    /// error below 0.04 at the end, is the dataset's `tolerance` for both forms.
    static func adding(name: String, count: Int, lengths: [Int], variant: GeneratedTask.AddingVariant,
                       rng: inout SplitMix64) -> Dataset {
        var d = Dataset(name: name, task: "adding", loss: .mseLast, inputSize: 2, outputSize: 1)
        d.tolerance = 0.04  // the paper's criterion for a sequence processed correctly
        for i in 0..<count {
            let T = lengths[i % lengths.count], half = T / 2
            let values = (0..<T).map { _ in variant == .scaled ? rng.uniform(-1, 1) : rng.uniform() }
            let first: Int, second: Int
            switch variant {
            case .scaled:
                first = below(min(10, half), &rng)
                let s = below(half - 1, &rng)
                second = s >= first ? s + 1 : s  // uniform over 0..<half without `first`
            case .sum:
                first = below(half, &rng)
                second = half + below(T - half, &rng)
            }
            var x = [Double](repeating: 0, count: 2 * T)
            for t in 0..<T { x[2 * t] = values[t] }
            x[2 * first + 1] = 1
            x[2 * second + 1] = 1
            let s = values[first] + values[second]
            d.vectors.append(x)
            d.targets.append(.vectors([variant == .scaled ? 0.5 + s / 4 : s]))
        }
        return d
    }

    /// The temporal order problem (Hochreiter & Schmidhuber 1997, experiment 6a): a sequence
    /// starts with E and ends with B; two steps t1 ∈ [T/10, T/5] and t2 ∈ [T/2, 6T/10] hold X or
    /// Y, every other step one of a, b, c, d; the class at the end says which came in what order:
    /// XX → Q, XY → R, YX → S, YY → U. The paper's sequences are 100 to 110 steps long (t1 in
    /// 10…20, t2 in 50…60); here every sequence has the length given (or cycles through a list),
    /// and the positions scale with it.
    static func temporalOrder(name: String, count: Int, lengths: [Int], rng: inout SplitMix64) -> Dataset {
        let symbols = TemporalOrder.symbols
        var d = Dataset(name: name, task: "temporal_order", loss: .xentLast, inputSize: symbols.count, outputSize: 4)
        for i in 0..<count {
            let T = lengths[i % lengths.count]
            var sequence = (0..<T).map { _ in below(4, &rng) }  // a, b, c, d
            sequence[0] = TemporalOrder.e
            sequence[T - 1] = TemporalOrder.b
            let t1 = T / 10 + below(T / 5 - T / 10 + 1, &rng)
            let t2 = T / 2 + below(6 * T / 10 - T / 2 + 1, &rng)
            let first = below(2, &rng), second = below(2, &rng)  // 0: X, 1: Y
            sequence[t1] = TemporalOrder.x + first
            sequence[t2] = TemporalOrder.x + second
            d.tokens.append(sequence)
            d.targets.append(.classes([2 * first + second]))
        }
        d.vocabulary = symbols
        return d
    }

    /// How many windows of `window` steps, each predicting the value `horizon` steps after its
    /// end, fit in `values` values when consecutive windows start `stride` apart.
    static func windowCount(values: Int, window: Int, horizon: Int, stride: Int) -> Int {
        values < window + horizon ? 0 : (values - window - horizon) / stride + 1
    }

    /// A time series cut into windows: x = v[s ..< s+W], target v[s+W−1+H] (mse_last), window i
    /// starting at s = i·stride. With `normalizeOver: n`, every value is scaled by the mean and
    /// standard deviation of the values the first n windows read and predict (the training
    /// part), so nothing of the held-out future shapes the scale; nil when those are all equal.
    static func series(name: String, values: [Double], window W: Int, horizon H: Int, stride: Int,
                       normalizeOver trainWindows: Int?) -> Dataset? {
        var v = values
        var scale: Normalization?
        if let trainWindows {
            let used = v[0...((trainWindows - 1) * stride + W - 1 + H)]
            let mean = used.reduce(0, +) / Double(used.count)
            let deviation = (used.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(used.count)).squareRoot()
            guard deviation > 0 else { return nil }
            v = v.map { ($0 - mean) / deviation }
            scale = Normalization(mean: mean, deviation: deviation)
        }
        var d = Dataset(name: name, task: "series", loss: .mseLast, inputSize: 1, outputSize: 1)
        d.normalization = scale
        for i in 0..<windowCount(values: v.count, window: W, horizon: H, stride: stride) {
            let s = i * stride
            d.vectors.append(Array(v[s..<(s + W)]))
            d.targets.append(.vectors([v[s + W - 1 + H]]))
        }
        return d
    }
}
