import Foundation
import RNNCore

/// `text` data (course notes 04, "Language modeling with an RNN"): a text read as tokens, cut
/// into windows whose targets are the tokens that follow, with the words a model cannot know
/// made into one token.
///
/// - `level: char`: every character is a token; `level: word`: every run of non-spaces.
/// - `eos: true`: every non-blank line, without its leading and trailing spaces, is a sentence
///   and ends with the token `<eos>` (the line break becomes the EOS the model learns to
///   predict). Lines, not `.`/`!`/`?`: a file holds one sentence per line, and abbreviations
///   ("Mr.") or decimals cannot end a sentence by accident.
/// - `unk: N` (word level): the vocabulary keeps the words that the training part holds at
///   least N times; `vocab: K`: its K most frequent words (equal counts in alphabetical order).
///   Every other word, rarer training words and held-out words alike, becomes `<unk>`, so
///   held-out text always maps to tokens and no word is dropped.
/// Without `unk` or `vocab` the vocabulary is every token of the whole text. The vocabulary is
/// sorted; `<eos>` and `<unk>` are tokens in it like any other.
enum TextTokens {
    static let eos = "<eos>"
    static let unk = "<unk>"

    /// Which tokens the vocabulary keeps.
    enum Rule: Equatable {
        /// Every token of the whole text (no `<unk>`).
        case everyToken
        /// `unk: N`: training words seen at least N times.
        case minimumCount(Int)
        /// `vocab: K`: the K most frequent training words.
        case mostFrequent(Int)
    }

    /// Why a vocabulary cannot be made.
    struct Problem: Error {
        let message: String
    }

    /// The text's tokens in order, `<eos>` included.
    static func symbols(_ corpus: String, word: Bool, eos: Bool) -> [String] {
        func split(_ s: String) -> [String] {
            word ? s.split(whereSeparator: { (c: Character) in c.isWhitespace }).map(String.init) : s.map { String($0) }
        }
        guard eos else { return split(corpus) }
        var out: [String] = []
        for line in corpus.split(whereSeparator: { $0.isNewline }) {
            let sentence = line.trimmingCharacters(in: .whitespaces)
            guard !sentence.isEmpty else { continue }
            out += split(sentence)
            out.append(Self.eos)
        }
        return out
    }
}

extension Dataset {
    /// Token counts of one part of a text (the positions its windows read or predict).
    struct TextStats: Equatable {
        /// Tokens in the part, `<eos>` included.
        var tokens = 0
        /// Of them, `<unk>`.
        var unknown = 0
        /// Of them, tokens the training part never has (0 for the training part itself).
        var unseen = 0
        /// `<eos>` tokens: sentences ended in the part.
        var sentences = 0
    }

    /// Next-token prediction on a text (course notes 03's "hello", 04's language model): windows
    /// of `length` tokens starting `stride` apart (default `length`), each step's target the
    /// token that follows; `split` holds out the last windows. The training part is every
    /// position a training window reads or predicts; the held-out part, the positions only
    /// held-out windows reach.
    static func text(name: String, symbols: [String], word: Bool, eos: Bool, rule: TextTokens.Rule,
                     length: Int?, stride: Int?, split: Double?) throws(TextTokens.Problem) -> Dataset {
        let n = symbols.count
        let L = min(length ?? (n - 1), n - 1), step = max(1, stride ?? L)
        let starts = Array(Swift.stride(from: 0, to: n - L, by: step))
        let held = split.map { splitCounts(total: starts.count, fraction: $0).test } ?? 0
        let keep = starts.count - held
        var part = [UInt8](repeating: 0, count: n)  // 1 training, 2 held out, 0 neither
        for s in starts[..<keep] { for p in s...(s + L) { part[p] = 1 } }
        for s in starts[keep...] { for p in s...(s + L) where part[p] == 0 { part[p] = 2 } }
        var counts: [String: Int] = [:]
        for (p, s) in symbols.enumerated() where part[p] == 1 { counts[s, default: 0] += 1 }

        let vocabulary: [String]
        switch rule {
        case .everyToken:
            vocabulary = Array(Set(symbols)).sorted()
        case .minimumCount(let N), .mostFrequent(let N):
            let words = counts.filter { $0.key != TextTokens.eos }
            let kept: [String]
            if case .minimumCount = rule {
                kept = words.filter { $0.value >= N }.map(\.key)
            } else {
                kept = words.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(N).map(\.key)
            }
            guard !kept.isEmpty else {
                let top = words.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
                throw TextTokens.Problem(message: top.map { "keeps no word: the commonest word of the training part, \"\($0.key)\", occurs \($0.value) \($0.value == 1 ? "time" : "times")" }
                    ?? "keeps no word: the training part has none")
            }
            vocabulary = (kept + [TextTokens.unk] + (eos ? [TextTokens.eos] : [])).sorted()
        }
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        let unkID = index[TextTokens.unk].flatMap { rule == .everyToken ? nil : $0 }
        let ids = symbols.map { index[$0] ?? unkID ?? 0 }  // ?? 0 never: every token or <unk> is there

        var stats = [TextStats(), TextStats(), TextStats()]
        for (p, s) in symbols.enumerated() where part[p] != 0 {
            let k = Int(part[p])
            stats[k].tokens += 1
            if ids[p] == unkID { stats[k].unknown += 1 }
            if counts[s] == nil { stats[k].unseen += 1 }
            if s == TextTokens.eos && eos { stats[k].sentences += 1 }
        }

        var d = Dataset(name: name, task: "text", loss: .xentAll, inputSize: vocabulary.count, outputSize: vocabulary.count)
        d.vocabulary = vocabulary
        d.textLevel = word ? "word" : "char"
        d.eosToken = eos ? index[TextTokens.eos] : nil
        d.unkToken = unkID
        for s in starts {
            d.tokens.append(Array(ids[s..<(s + L)]))
            d.targets.append(.classes(Array(ids[(s + 1)...(s + L)])))
        }
        d.textStats = stats[1]
        if held > 0 {
            d = d.holdingOut(last: held)
            d.test?.textStats = stats[2]
        }
        return d
    }
}
