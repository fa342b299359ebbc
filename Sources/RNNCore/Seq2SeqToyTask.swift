import Foundation

/// Digit-string tasks a small encoder–decoder learns in seconds, with held-out strings: the
/// source is the digits (ids 0–9), the target the same digits reversed or sorted, as target ids
/// d + 2 (ids 0 and 1 are BOS and EOS).
public enum Seq2SeqToyTask: String, Sendable, CaseIterable {
    /// "3 1 4" → "4 1 3"
    case reverse
    /// "3 1 4" → "1 3 4"
    case sort

    public static let sourceVocabularySize = 10
    /// BOS 0, EOS 1, then the ten digits.
    public static let targetVocabularySize = 12

    /// The pair for one digit string.
    public func pair(_ digits: [Int]) -> Seq2SeqPair {
        let out = self == .reverse ? Array(digits.reversed()) : digits.sorted()
        return Seq2SeqPair(source: digits, target: out.map { $0 + 2 })
    }

    /// `count` distinct digit strings, each of a length drawn uniformly from `lengths`, none of
    /// them in `excluding` (the training set, when drawing held-out strings). Fewer when the
    /// lengths do not hold that many strings.
    public func pairs(
        count: Int, lengths: ClosedRange<Int>, seed: UInt64, excluding: Set<[Int]> = []
    ) -> [Seq2SeqPair] {
        var rng = SplitMix64(seed: seed)
        var seen = excluding
        var out: [Seq2SeqPair] = []
        let strings = lengths.reduce(0.0) { $0 + pow(10, Double($1)) }
        let taken = excluding.filter { lengths.contains($0.count) }.count
        let wanted = min(Double(count), strings - Double(taken))
        while Double(out.count) < wanted {
            let n = lengths.lowerBound + Int(rng.next() % UInt64(lengths.count))
            let digits = (0..<n).map { _ in Int(rng.next() % 10) }
            if seen.insert(digits).inserted { out.append(pair(digits)) }
        }
        return out
    }
}
