import Foundation
import RNNCore
import Reports

/// `sample`: generate text from a model trained on text.
extension Actions {
    /// Records `NAME.text`, `.temperature`, `.entropy` (mean entropy of the tempered next-symbol
    /// distributions, nats), `.novel_bigrams` (fraction of generated symbol pairs the training
    /// text never has), `.distinct` (distinct symbols generated), `.steps` (symbols generated,
    /// an EOS included) and `.ended_by_eos` (1 when it stopped at EOS, 0 when at `length`);
    /// NAME defaults to `sample`. On data with `eos: true` the model first reads `<eos>`, as
    /// every sentence but the first follows one in training, then `start` (which may be left
    /// out: a whole sentence), and it stops at the first `<eos>` it writes (course notes 04,
    /// "Sampling a sequence"); `length` is the limit.
    static func sample(_ field: Field, state: LessonState) throws(LessonError) -> [Output] {
        let o = try field.mapping(allowed: ["name", "model", "data", "start", "length", "temperature", "seed"])
        let model = try state.model(o["model"], options: o)
        let data = try state.dataset(o["data"], options: o, for: model)
        guard !data.vocabulary.isEmpty, data.task == "text" else { throw o.error("sampling needs a model trained on text data") }
        if let problem = data.check(model.network, modelName: model.name) { throw o.error(problem) }
        let start = (try o["start"]?.string() ?? (data.eosToken == nil ? data.vocabulary[0] : "")).precomposedStringWithCanonicalMapping
        let index = Dictionary(uniqueKeysWithValues: data.vocabulary.enumerated().map { ($1, $0) })
        let words = data.spacedSymbols
        let startSymbols = words ? start.split(whereSeparator: { $0.isWhitespace }).map(String.init) : start.map { String($0) }
        var ids: [Int] = data.eosToken.map { [$0] } ?? []
        for s in startSymbols {
            guard let id = index[s] ?? data.unkToken else { throw try o.required("start").error("\"\(s)\" is not in the vocabulary of \(data.name)") }
            ids.append(id)
        }
        let prefix = data.eosToken == nil ? 0 : 1  // the <eos> read first is not part of the text
        guard !ids.isEmpty else { throw try o.required("start").error("needs at least one symbol") }
        let length = try o["length"]?.int(min: 1, max: 10_000) ?? 20
        let temperature = try o["temperature"]?.positiveDouble() ?? 1
        var rng = SplitMix64(seed: try seedOption(o) ?? state.seed(for: "sample:" + model.name))
        let V = data.vocabulary.count
        // A one-direction model carries every layer's state forward, so each new symbol costs
        // one step; a bidirectional one reads the whole prefix backwards too, so it runs again.
        let spec = model.network.spec
        let incremental = !spec.bidirectional
        let Y = spec.outputSize
        var carried: [(h: [Double], c: [Double]?)]? = nil  // per layer
        var pending = ids  // symbols not yet fed to the network
        var entropy = 0.0  // summed over the generated steps, in nats
        var steps = 0  // symbols generated so far
        while steps < length && (steps == 0 || ids.last != data.eosToken) {
            steps += 1
            var one = Dataset(name: "", task: "text", loss: .xentLast, inputSize: V, outputSize: V)
            one.tokens = [incremental ? pending : ids]
            one.targets = [.classes([0])]
            var sample = one.sample(0, for: model.network)
            if incremental, let carried {
                sample.h0 = carried[0].h
                sample.c0 = carried[0].c
                sample.upperH0 = carried.dropFirst().map(\.h)
                sample.upperC0 = spec.cell == .lstm ? carried.dropFirst().map { $0.c ?? [] } : nil
            }
            let record = model.network.forward(parameters: model.parameters, sample: sample)
            let T = record.steps
            if incremental {
                carried = record.layers.map { layer in
                    let r = layer[0]
                    return (Array(r.hidden(at: T)), r.spec.hasCellState ? Array(r.cell(at: T)) : nil)
                }
            }
            let logits = record.y[((T - 1) * Y)..<(T * Y)].map { $0 / temperature }
            let top = logits.max() ?? 0
            let weights = logits.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            entropy += weights.reduce(0.0) { h, w in w > 0 ? h - (w / total) * log(w / total) : h }
            var u = rng.uniform() * weights.reduce(0, +)
            var next = weights.count - 1
            for (k, w) in weights.enumerated() {
                u -= w
                if u < 0 { next = k; break }
            }
            ids.append(next)
            pending = [next]
        }
        let text = ids.dropFirst(prefix).map { data.vocabulary[$0] }.joined(separator: words ? " " : "")
        // How the sample differs from the training text: bigrams the text never has.
        var seen = Set<Int>()
        for (x, y) in zip(data.tokens, data.targets) {
            if case .classes(let next) = y { for (a, b) in zip(x, next) { seen.insert(a * V + b) } }
        }
        let generated = zip(ids.dropLast(), ids.dropFirst()).suffix(steps)
        let novel = generated.filter { !seen.contains($0.0 * V + $0.1) }.count
        let endedByEOS = data.eosToken != nil && ids.last == data.eosToken
        let name = try o["name"]?.string() ?? "sample"
        state.values.set(name + ".text", .text(text))
        state.values.set(name + ".temperature", temperature)
        state.values.set(name + ".entropy", entropy / Double(steps))
        state.values.set(name + ".novel_bigrams", Double(novel) / Double(max(generated.count, 1)))
        state.values.set(name + ".distinct", Set(ids.suffix(steps)).count)
        state.values.set(name + ".steps", steps)
        state.values.set(name + ".ended_by_eos", endedByEOS ? 1 : 0)
        guard data.eosToken != nil else { return [.text(text)] }
        let ko = state.language == "ko"
        let how = endedByEOS
            ? (ko ? "\(steps)번째 토큰에서 `<eos>`로 끝남" : "ended by `<eos>` at token \(steps)")
            : (ko ? "`<eos>` 없이 길이 한도 \(length) 토큰에서 멈춤" : "stopped at the length limit, \(length) tokens, without `<eos>`")
        return [.text(text), .note(how)]
    }
}
