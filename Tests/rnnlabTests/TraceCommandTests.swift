import Foundation
import Testing

/// `rnnlab trace` as a user runs it: outputs, exit codes, and bad input.
@Suite("rnnlab trace")
struct TraceCommandTests {
    static let model = """
        {
          "cell": "lstm",
          "input_size": 2,
          "hidden_size": 3,
          "output_size": 1,
          "weights": {
            "W_xf": [[0.1, 0.2], [0.3, -0.1], [0.0, 0.5]],
            "W_xi": [[0.2, 0.1], [-0.3, 0.1], [0.4, 0.5]],
            "W_xc": [[0.1, -0.2], [0.3, 0.1], [0.2, 0.2]],
            "W_xo": [[0.3, 0.2], [0.1, 0.1], [0.0, -0.5]],
            "W_hf": [[0.1, 0.0, 0.2], [0.0, 0.1, 0.0], [0.3, 0.0, 0.1]],
            "W_hi": [[0.2, 0.1, 0.0], [0.0, -0.1, 0.2], [0.1, 0.0, 0.1]],
            "W_hc": [[0.1, 0.0, -0.2], [0.2, 0.1, 0.0], [0.0, 0.3, 0.1]],
            "W_ho": [[0.0, 0.1, 0.2], [0.1, 0.0, 0.1], [0.2, 0.1, 0.0]],
            "b_f": [1, 1, 1], "b_i": [0, 0, 0], "b_c": [0, 0, 0], "b_o": [0, 0, 0],
            "W_hy": [[0.5, -0.4, 0.3]], "b_y": [0.1]
          }
        }
        """
    static let sequence = """
        {"x": [[0.1, 0.2], [0.3, 0.4], [0.5, -0.6], [0.7, 0.8]], "loss": "mse_last", "targets": [0.4]}
        """

    func write(_ files: [String: String]) throws -> URL {
        let dir = try CLI.scratch()
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test func tracesToStandardOutputAndFile() throws {
        let dir = try write(["model.json": Self.model, "seq.json": Self.sequence])
        let r = try CLI.run(["trace", "model.json", "seq.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty)
        let obj = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        #expect(obj["format"] as? String == "rnnlab.trace.v1")
        #expect(obj["steps"] as? Int == 4)
        #expect((obj["backward"] as? [Any])?.count == 5)
        #expect((obj["jacobian_norms"] as? [Any])?.count == 5)
        let grads = try #require(obj["grads"] as? [String: Any])
        #expect(grads.count == 14)

        let f = try CLI.run(["trace", "model.json", "seq.json", "-o", "t.json"], in: dir)
        #expect(f.status == 0)
        #expect(f.stdout.isEmpty)
        #expect(try Data(contentsOf: dir.appendingPathComponent("t.json")) == r.stdout)
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let dir = try write(["model.json": Self.model, "seq.json": Self.sequence])
        let runs = try (0..<3).map { _ in try CLI.run(["trace", "model.json", "seq.json"], in: dir).stdout }
        #expect(runs[0] == runs[1] && runs[1] == runs[2])
        #expect(!runs[0].isEmpty)
    }

    /// A dozen malformed inputs: each must give one line naming the file and field, exit 1,
    /// and write nothing (an existing -o file is left untouched).
    static let badInputs: [(name: String, model: String?, sequence: String?, mentions: [String])] = [
        ("wrong shape", model.replacingOccurrences(of: #""W_hf": [[0.1, 0.0, 0.2], [0.0, 0.1, 0.0], [0.3, 0.0, 0.1]]"#, with: #""W_hf": [[0.1, 0.0, 0.2], [0.0, 0.1, 0.0], [0.3, 0.0, 0.1], [0, 0, 0]]"#), nil, ["model.json", "weights.W_hf", "4 rows", "hidden_size is 3"]),
        ("wrong row length", model.replacingOccurrences(of: #""W_xo": [[0.3, 0.2]"#, with: #""W_xo": [[0.3, 0.2, 0.9]"#), nil, ["model.json", "weights.W_xo[0]", "3 columns", "input_size is 2"]),
        ("unknown cell", model.replacingOccurrences(of: #""cell": "lstm""#, with: #""cell": "transformer""#), nil, ["model.json", "cell", "transformer"]),
        ("unknown key", model.replacingOccurrences(of: #""output_size": 1,"#, with: #""output_size": 1, "hiden_size": 3,"#), nil, ["model.json", "hiden_size", "not a known key"]),
        ("option for another cell", model.replacingOccurrences(of: #""output_size": 1,"#, with: #""output_size": 1, "activation": "relu","#), nil, ["model.json", "activation", "rnn only"]),
        ("missing weight", model.replacingOccurrences(of: #""b_o": [0, 0, 0],"#, with: ""), nil, ["model.json", "weights.b_o", "missing"]),
        ("extra weight", model.replacingOccurrences(of: #""b_o": [0, 0, 0],"#, with: #""b_o": [0, 0, 0], "p_f": [0, 0, 0],"#), nil, ["model.json", "weights.p_f", "not a weight"]),
        ("NaN", model.replacingOccurrences(of: #""b_y": [0.1]"#, with: #""b_y": [NaN]"#), nil, ["model.json", "NaN"]),
        ("too large", model.replacingOccurrences(of: #""b_y": [0.1]"#, with: #""b_y": [1e400]"#), nil, ["model.json", "1e400", "too large"]),
        ("truncated JSON", String(model.dropLast(40)), nil, ["model.json", "truncated"]),
        ("empty sequence", nil, #"{"x": [], "loss": "mse_last", "targets": [0.4]}"#, ["seq.json", "x", "empty"]),
        ("class index out of range", nil, #"{"x": [[0.1, 0.2]], "loss": "xent_last", "targets": 1}"#, ["seq.json", "targets", "out of range"]),
        ("class index not a bare integer", nil, #"{"x": [[0.1, 0.2]], "loss": "xent_last", "targets": 0.0}"#, ["seq.json", "targets", "bare integer"]),
        ("c0 for a non-lstm is checked, wrong length here", nil, #"{"x": [[0.1, 0.2]], "c0": [1], "loss": "mse_last", "targets": [0.4]}"#, ["seq.json", "c0", "1 entries", "hidden_size is 3"]),
        ("input row of wrong width", nil, #"{"x": [[0.1, 0.2], [0.3]], "loss": "mse_last", "targets": [0.4]}"#, ["seq.json", "x[1]", "input_size is 2"]),
        ("unknown loss", nil, #"{"x": [[0.1, 0.2]], "loss": "hinge", "targets": [0.4]}"#, ["seq.json", "loss", "hinge"]),
        ("missing file", "", nil, ["model.json", "no such file"]),
    ]

    @Test(arguments: 0..<badInputs.count)
    func badInputGivesOneLineAndNoOutput(index: Int) throws {
        let bad = Self.badInputs[index]
        var files = ["model.json": bad.model ?? Self.model, "seq.json": bad.sequence ?? Self.sequence]
        if bad.model == "" { files.removeValue(forKey: "model.json") }
        let dir = try write(files.merging(["t.json": "previous contents"]) { a, _ in a })
        let r = try CLI.run(["trace", "model.json", "seq.json"], in: dir)
        #expect(r.status == 1, "\(bad.name): exit \(r.status)")
        #expect(r.stdout.isEmpty, "\(bad.name): wrote to standard output")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(bad.name): \(r.stderr)")
        for word in bad.mentions {
            #expect(r.stderr.contains(word), "\(bad.name): message \(r.stderr) does not mention \(word)")
        }
        #expect(!r.stderr.contains("Fatal") && !r.stderr.contains("Stack"))

        let o = try CLI.run(["trace", "model.json", "seq.json", "-o", "t.json"], in: dir)
        #expect(o.status == 1)
        #expect(try String(contentsOf: dir.appendingPathComponent("t.json"), encoding: .utf8) == "previous contents")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func errorsNameTheLine() throws {
        let bad = Self.model.replacingOccurrences(of: #""W_hf": [[0.1, 0.0, 0.2], [0.0, 0.1, 0.0], [0.3, 0.0, 0.1]]"#, with: #""W_hf": [[0.1, 0.0], [0.0, 0.1, 0.0], [0.3, 0.0, 0.1]]"#)
        let dir = try write(["model.json": bad, "seq.json": Self.sequence])
        let r = try CLI.run(["trace", "model.json", "seq.json"], in: dir)
        #expect(r.stderr.hasPrefix("model.json:11: weights.W_hf[0] has 2 columns, hidden_size is 3"), "\(r.stderr)")
    }

    @Test func usageErrorsExitAsArgumentParserDoes() throws {
        let missing = try CLI.run(["trace", "only-one.json"])
        #expect(missing.status == 64)
        let unknown = try CLI.run(["trace", "a.json", "b.json", "--frobnicate"])
        #expect(unknown.status == 64)
    }

    @Test func helpIsUseful() throws {
        let top = try CLI.run(["--help"])
        #expect(top.status == 0)
        let text = String(decoding: top.stdout, as: UTF8.self)
        #expect(text.contains("trace"))
        let trace = try CLI.run(["trace", "--help"])
        let traceText = String(decoding: trace.stdout, as: UTF8.self)
        for word in ["MODEL", "SEQUENCE", "--output", "Exit status", "mse_last"] {
            #expect(traceText.contains(word) || traceText.uppercased().contains(word.uppercased()), "help lacks \(word)")
        }
    }
}

/// The documented extensions: stacked, bidirectional, embedding, truncation.
@Suite("rnnlab trace extensions")
struct TraceExtensionTests {
    @Test func stackedBidirectionalEmbeddingTrace() throws {
        var weights: [String] = []
        func matrix(_ r: Int, _ c: Int, _ seed: Int) -> String {
            "[" + (0..<r).map { i in "[" + (0..<c).map { j in String(format: "%.3f", sin(Double(seed * 31 + i * 7 + j))) }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        func vector(_ n: Int) -> String { "[" + Array(repeating: "0", count: n).joined(separator: ",") + "]" }
        var seed = 1
        weights.append("\"E\": \(matrix(5, 2, seed))")
        for layer in 1...2 {
            for dir in ["forward", "backward"] {
                let input = layer == 1 ? 2 : 6
                for g in ["z", "r", "h"] {
                    seed += 1
                    weights.append("\"layer\(layer).\(dir).W_x\(g)\": \(matrix(3, input, seed))")
                    weights.append("\"layer\(layer).\(dir).W_h\(g)\": \(matrix(3, 3, seed + 100))")
                    weights.append("\"layer\(layer).\(dir).b_\(g)\": \(vector(3))")
                }
            }
        }
        weights.append("\"W_hy\": \(matrix(4, 6, 99))")
        weights.append("\"b_y\": \(vector(4))")
        let model = """
            {"cell": "gru", "input_size": 2, "hidden_size": 3, "output_size": 4, "num_layers": 2,
             "bidirectional": true, "vocab_size": 5, "weights": {\(weights.joined(separator: ",\n"))}}
            """
        let sequence = #"{"tokens": [1, 4, 0, 2, 3], "loss": "xent_all", "targets": [0, 1, 2, 3, 0], "truncation": 2}"#
        let dir = try CLI.scratch()
        try Data(model.utf8).write(to: dir.appendingPathComponent("m.json"))
        try Data(sequence.utf8).write(to: dir.appendingPathComponent("s.json"))
        let r = try CLI.run(["trace", "m.json", "s.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let layers = try #require(obj["layers"] as? [[String: Any]])
        #expect(layers.count == 4)
        #expect(layers.map { "\($0["layer"]!)\($0["direction"]!)" } == ["1forward", "1backward", "2forward", "2backward"])
        #expect((obj["grads"] as? [String: Any])?["E"] != nil)
        #expect(obj["truncation"] as? Int == 2)
        #expect((obj["y"] as? [[Any]])?.count == 5)
        // A token outside the vocabulary is bad input.
        try Data(#"{"tokens": [1, 5], "loss": "xent_last", "targets": 0}"#.utf8).write(to: dir.appendingPathComponent("bad.json"))
        let bad = try CLI.run(["trace", "m.json", "bad.json"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("bad.json:1: tokens[1]") && bad.stderr.contains("vocab_size"))
    }
}

/// Every kernel path (AVX-512, AVX2, portable C) agrees, and the second thread of the large
/// matrix products changes no bits.
@Suite("Kernel paths")
struct KernelPathTests {
    /// An LSTM trace problem: (13, 23) exercises every kernel's remainder loops; (40, 300) is big
    /// enough for the two-thread products (about 2 million multiply-adds) and crosses the
    /// products' 256-step blocking, with sizes that fill no panel exactly.
    static func problem(hidden H: Int, steps T: Int) throws -> URL {
        let dir = try CLI.scratch()
        var weights: [String] = []
        func matrix(_ r: Int, _ c: Int, _ seed: Int) -> String {
            "[" + (0..<r).map { i in "[" + (0..<c).map { j in String(format: "%.4f", 0.3 * sin(Double(seed * 131 + i * 17 + j * 7))) }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        }
        let X = 7
        for (k, g) in ["f", "i", "c", "o"].enumerated() {
            weights.append("\"W_x\(g)\": \(matrix(H, X, k))")
            weights.append("\"W_h\(g)\": \(matrix(H, H, k + 10))")
            weights.append("\"b_\(g)\": \(matrix(1, H, k + 20).dropFirst().dropLast())")
        }
        weights.append("\"W_hy\": \(matrix(3, H, 30))")
        weights.append("\"b_y\": [0, 0, 0]")
        let model = "{\"cell\": \"lstm\", \"input_size\": \(X), \"hidden_size\": \(H), \"output_size\": 3, \"weights\": {\(weights.joined(separator: ","))}}"
        let x = matrix(T, X, 40)
        try Data(model.utf8).write(to: dir.appendingPathComponent("m.json"))
        try Data("{\"x\": \(x), \"loss\": \"xent_all\", \"targets\": [\((0..<T).map { String($0 % 3) }.joined(separator: ","))]}".utf8)
            .write(to: dir.appendingPathComponent("s.json"))
        return dir
    }

    static func numbers(_ d: Data) throws -> [Double] {
        func flat(_ a: Any) -> [Double] {
            if let n = a as? NSNumber { return [n.doubleValue] }
            if let arr = a as? [Any] { return arr.flatMap(flat) }
            if let dict = a as? [String: Any] { return dict.keys.sorted().flatMap { flat(dict[$0]!) } }
            return []
        }
        return flat(try JSONSerialization.jsonObject(with: d))
    }

    @Test(arguments: [(13, 23), (40, 300)])
    func everyPathAgrees(hidden: Int, steps: Int) throws {
        let dir = try Self.problem(hidden: hidden, steps: steps)
        let fast = try CLI.run(["trace", "m.json", "s.json"], in: dir)
        #expect(fast.status == 0, "\(fast.stderr)")
        let a = try Self.numbers(fast.stdout)
        #expect(a.count > 1000)
        let scale = a.map(abs).max() ?? 1
        for path in ["generic", "avx2"] {
            let other = try CLI.run(["trace", "m.json", "s.json"], in: dir, environment: ["RNNLAB_KERNELS": path])
            #expect(other.status == 0, "\(other.stderr)")
            let b = try Self.numbers(other.stdout)
            #expect(a.count == b.count)
            let worst = zip(a, b).map { abs($0 - $1) / max(abs($0), 1e-6 * scale) }.max() ?? 0
            #expect(worst < 1e-10, "\(path): worst relative difference \(worst)")
        }
        let oneThread = try CLI.run(["trace", "m.json", "s.json"], in: dir, environment: ["RNNLAB_THREADS": "1"])
        #expect(oneThread.stdout == fast.stdout, "one thread and two give different bytes")
    }
}

/// The helper threads (products split in two, input projections computed ahead of the forward
/// recurrence, weight gradients accumulated behind the backward one) change no bit of any
/// recorded number or gradient, for every cell and for stacked layers.
@Suite("Threads")
struct ThreadTests {
    static let configurations: [[String]] = [
        ["--cell", "lstm"], ["--cell", "gru"], ["--cell", "gru", "--gru-variant", "reset_after"],
        ["--cell", "rnn"], ["--cell", "lstm", "--layers", "2"],
    ]

    @Test(arguments: configurations)
    func oneThreadAndTwoGiveTheSameBits(configuration: [String]) throws {
        // Sizes past every threshold: T·G·(H+X) and T·G·X above 4 million, T above one chunk.
        let args = ["bench", "--input", "60", "--hidden", "100", "--steps", "700", "--repeats", "1"] + configuration
        func digest(_ environment: [String: String]) throws -> (digest: String, threads: Int) {
            let run = try CLI.run(args, in: nil, environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
            return (object?["digest"] as? String ?? "", object?["threads"] as? Int ?? 0)
        }
        let two = try digest([:]), one = try digest(["RNNLAB_THREADS": "1"])
        #expect(one.threads == 1)
        #expect(!one.digest.isEmpty && one.digest == two.digest, "\(configuration): \(one.digest) vs \(two.digest)")
    }
}
