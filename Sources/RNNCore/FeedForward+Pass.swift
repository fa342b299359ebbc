/// Everything one forward (and backward) pass of a feed-forward model recorded, for the n steps
/// whose outputs the loss reads (all T for a loss over every step, else the last).
public struct FeedForwardRecord: Sendable {
    /// Steps of the sequence.
    public internal(set) var steps = 0
    /// The scored steps t (1-based), one per row of the arrays below.
    public internal(set) var scored: [Int] = []
    /// (T, X) x_t as the model reads it (embedded vectors for token input).
    public internal(set) var input: [Double] = []
    /// (n, R) u: the window or the average each output reads.
    public internal(set) var read: [Double] = []
    /// pre[l], act[l]: (n, H_l) W_l h^[l−1] + b_l and h^[l] = φ(pre) of hidden layer l + 1.
    public internal(set) var pre: [[Double]] = []
    public internal(set) var act: [[Double]] = []
    /// (n, Y) outputs.
    public internal(set) var y: [Double] = []
    public internal(set) var loss = 0.0
    /// (n, Y) dL/dy (filled by forward, as the loss gives it).
    public internal(set) var dy: [Double] = []
    /// (T, X) dL/dx_t (filled by backward).
    public internal(set) var dInput: [Double] = []
}

extension FeedForward {
    /// Reads the sequence, runs the dense layers and evaluates the loss.
    public func forward(parameters: [Double], sample: Sample) -> FeedForwardRecord {
        precondition(parameters.count == layout.count, "parameter vector has the wrong size")
        var record = FeedForwardRecord()
        parameters.withUnsafeBufferPointer { forward(weights: $0.baseAddress!, sample: sample, into: &record) }
        return record
    }

    /// The loss, its record and dL/dθ in the layout's order.
    public func lossAndGradient(parameters: [Double], sample: Sample) -> (record: FeedForwardRecord, gradient: [Double]) {
        var record = forward(parameters: parameters, sample: sample)
        var grads = [Double](repeating: 0, count: layout.count)
        parameters.withUnsafeBufferPointer { p in
            grads.withUnsafeMutableBufferPointer { g in
                backward(weights: p.baseAddress!, record: &record, sample: sample, grads: g.baseAddress!)
            }
        }
        return (record, grads)
    }

    func forward(weights w: UnsafePointer<Double>, sample: Sample, into r: inout FeedForwardRecord) {
        precondition(spec.reads(sample.loss), "average pooling makes one output per sequence; validated on input")
        let T = sample.steps, X = spec.inputSize, R = spec.readWidth, Y = spec.outputSize
        r.steps = T
        r.scored = sample.loss.scoredSteps(T)
        let n = r.scored.count
        // x_t: the sample's vectors, or the embedding's rows for its tokens.
        switch sample.input {
        case .vectors(let v, _): r.input = v
        case .tokens(let ids):
            r.input = [Double](repeating: 0, count: T * X)
            for (t, id) in ids.enumerated() { for k in 0..<X { r.input[t * X + k] = w[embedding! + id * X + k] } }
        }
        // u for each scored step.
        r.read = [Double](repeating: 0, count: n * R)
        switch spec.reader {
        case .window(let W):
            // u_t = [x_{t−W+1}; …; x_t], zeros where s < 1
            for (i, t) in r.scored.enumerated() {
                for k in 0..<W {
                    let s = t - W + 1 + k
                    guard s >= 1 else { continue }
                    for m in 0..<X { r.read[i * R + k * X + m] = r.input[(s - 1) * X + m] }
                }
            }
        case .averagePooling:
            // u = (1/T) Σ_t x_t
            for s in 0..<T { for m in 0..<X { r.read[m] += r.input[s * X + m] } }
            for m in 0..<X { r.read[m] /= Double(T) }
        }
        // h^[l] = φ(W_l h^[l−1] + b_l), then y = W_y h^[L] + b_y
        let L = spec.hiddenSizes.count
        r.pre = []
        r.act = []
        var below = r.read
        for (l, layer) in dense.enumerated() {
            var out = affine(w, layer, below, rows: n)
            if l < L {
                r.pre.append(out)
                for k in out.indices { out[k] = spec.activation.apply(out[k]) }
                r.act.append(out)
                below = out
            } else {
                r.y = out
            }
        }
        r.loss = sample.loss.evaluate(y: r.y, steps: n, outputSize: Y, targets: sample.targets, dy: &r.dy)
    }

    /// out = below W_lᵀ + b_l for `rows` rows (each row one scored step).
    private func affine(_ w: UnsafePointer<Double>, _ layer: (w: Int, b: Int, rows: Int, cols: Int),
                        _ below: [Double], rows n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * layer.rows)
        for i in 0..<n { for k in 0..<layer.rows { out[i * layer.rows + k] = w[layer.b + k] } }
        below.withUnsafeBufferPointer { bBuf in
            out.withUnsafeMutableBufferPointer { oBuf in
                BLAS.gemm(
                    transposeA: false, transposeB: true, m: n, n: layer.rows, k: layer.cols,
                    a: bBuf.baseAddress!, lda: layer.cols, b: w + layer.w, ldb: layer.cols,
                    beta: 1, c: oBuf.baseAddress!, ldc: layer.rows)
            }
        }
        return out
    }

    /// Adds dL/dθ into `g` and fills the record's dL/dx_t.
    func backward(weights w: UnsafePointer<Double>, record r: inout FeedForwardRecord, sample: Sample,
                  grads g: UnsafeMutablePointer<Double>) {
        let n = r.scored.count, L = spec.hiddenSizes.count
        // dAbove: dL/d(output of the layer being processed), starting from dL/dy.
        var dAbove = r.dy
        for l in stride(from: L, through: 0, by: -1) {
            let layer = dense[l]
            let below = l == 0 ? r.read : r.act[l - 1]
            var dPre = dAbove
            if l < L {
                // forward: h^[l+1] = φ(pre)  ⇒  dL/dpre = dL/dh ⊙ φ′(pre)
                for k in dPre.indices {
                    dPre[k] *= spec.activation.derivative(preActivation: r.pre[l][k], output: r.act[l][k])
                }
            }
            // forward: pre = below Wᵀ + b  ⇒  dW += dPreᵀ below, db += Σ_rows dPre, dBelow = dPre W
            var dBelow = [Double](repeating: 0, count: n * layer.cols)
            dPre.withUnsafeBufferPointer { dBuf in
                below.withUnsafeBufferPointer { bBuf in
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: layer.rows, n: layer.cols, k: n,
                        a: dBuf.baseAddress!, lda: layer.rows, b: bBuf.baseAddress!, ldb: layer.cols,
                        beta: 1, c: g + layer.w, ldc: layer.cols)
                }
                dBelow.withUnsafeMutableBufferPointer { oBuf in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: n, n: layer.cols, k: layer.rows,
                        a: dBuf.baseAddress!, lda: layer.rows, b: w + layer.w, ldb: layer.cols,
                        beta: 0, c: oBuf.baseAddress!, ldc: layer.cols)
                }
            }
            for i in 0..<n { for k in 0..<layer.rows { g[layer.b + k] += dPre[i * layer.rows + k] } }
            dAbove = dBelow
        }
        // dAbove is now dL/du (n, R): back to the steps it read.
        let T = r.steps, X = spec.inputSize, R = spec.readWidth
        r.dInput = [Double](repeating: 0, count: T * X)
        switch spec.reader {
        case .window(let W):
            // forward: u_t[k·X + m] = x_{t−W+1+k}[m]
            for (i, t) in r.scored.enumerated() {
                for k in 0..<W {
                    let s = t - W + 1 + k
                    guard s >= 1 else { continue }
                    for m in 0..<X { r.dInput[(s - 1) * X + m] += dAbove[i * R + k * X + m] }
                }
            }
        case .averagePooling:
            // forward: u = (1/T) Σ_t x_t  ⇒  dL/dx_t = dL/du / T
            for s in 0..<T { for m in 0..<X { r.dInput[s * X + m] = dAbove[m] / Double(T) } }
        }
        if let embedding, case .tokens(let ids) = sample.input {
            // forward: x_t = E[w_t]  ⇒  dE[w_t] += dL/dx_t
            for (t, id) in ids.enumerated() {
                for k in 0..<X { g[embedding + id * X + k] += r.dInput[t * X + k] }
            }
        }
    }
}
