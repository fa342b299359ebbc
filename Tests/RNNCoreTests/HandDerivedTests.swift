import Foundation
import Testing
@testable import RNNCore

/// One-unit cells whose every number is derived by hand below (chain rule written out in the
/// comments), compared to a relative tolerance of 1e−9.
@Suite("Hand-derived one-unit cells")
struct HandDerivedTests {
    func close(_ a: Double, _ b: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(a - b) <= 1e-9 * max(abs(a), abs(b)) || a == b, "\(what): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    func sig(_ a: Double) -> Double { 1 / (1 + exp(-a)) }

    func model(_ json: String) throws -> Model {
        try TraceFiles.model(Array(json.utf8), name: "model.json")
    }

    func sample(_ json: String, _ m: Model) throws -> Sample {
        try TraceFiles.sample(Array(json.utf8), name: "sequence.json", model: m).sample
    }

    @Test func linearRNN() throws {
        // h_t = w x_t + u h_{t-1} + b,  y_3 = v h_3 + c,  L = (y_3 − d)²
        let (w, u, b, v, c, d) = (0.7, -1.3, 0.2, 0.5, -0.1, 0.25)
        let x = [0.3, -0.8, 1.1], h0 = 0.4
        let m = try model("""
            {"cell":"rnn","activation":"linear","input_size":1,"hidden_size":1,"output_size":1,
             "weights":{"W_xh":[[\(w)]],"W_hh":[[\(u)]],"b_h":[\(b)],"W_hy":[[\(v)]],"b_y":[\(c)]}}
            """)
        let s = try sample(#"{"x":[[0.3],[-0.8],[1.1]],"h0":[0.4],"loss":"mse_last","targets":[0.25]}"#, m)
        let trace = Trace(model: m, sample: s)
        let h1 = w * x[0] + u * h0 + b, h2 = w * x[1] + u * h1 + b, h3 = w * x[2] + u * h2 + b
        let y3 = v * h3 + c
        close(trace.record.loss, (y3 - d) * (y3 - d), "loss")
        // dL/dy_3 = 2(y_3 − d); dh_3 = v dL/dy_3; each step back multiplies by u
        let dy = 2 * (y3 - d)
        let dh = [dy * v * u * u * u, dy * v * u * u, dy * v * u, dy * v]
        for t in 0...3 { close(trace.record.layers[0][0].dh[t], dh[t], "dh_\(t)") }
        let hs = [h0, h1, h2, h3]
        let g = trace.gradient, layout = m.network.layout
        func grad(_ name: String) -> Double { g[layout.slot(named: name)!.offset] }
        close(grad("W_hy"), dy * h3, "dW_hy")
        close(grad("b_y"), dy, "db_y")
        close(grad("W_xh"), (1...3).reduce(0) { $0 + dh[$1] * x[$1 - 1] }, "dW_xh")
        close(grad("W_hh"), (1...3).reduce(0) { $0 + dh[$1] * hs[$1 - 1] }, "dW_hh")
        close(grad("b_h"), dh[1] + dh[2] + dh[3], "db_h")
        // ∂h_3/∂h_t = u^(3−t)
        for t in 0...3 { close(trace.jacobianNorms[0][0][t], pow(abs(u), Double(3 - t)), "jacobian_norms[\(t)]") }
    }

    @Test func tanhRNNWithCrossEntropy() throws {
        // h_t = tanh(w x_t + u h_{t-1} + b), y = (v₀ h_2 + c₀, v₁ h_2 + c₁), L = −log softmax(y)_1
        let (w, u, b) = (0.9, 0.6, -0.2), v = [0.8, -0.4], c = [0.1, 0.3]
        let x = [0.5, -0.7]
        let m = try model("""
            {"cell":"rnn","input_size":1,"hidden_size":1,"output_size":2,
             "weights":{"W_xh":[[\(w)]],"W_hh":[[\(u)]],"b_h":[\(b)],"W_hy":[[\(v[0])],[\(v[1])]],"b_y":[\(c[0]),\(c[1])]}}
            """)
        let s = try sample(#"{"x":[[0.5],[-0.7]],"loss":"xent_last","targets":1}"#, m)
        let trace = Trace(model: m, sample: s)
        let h1 = tanh(w * x[0] + b), h2 = tanh(w * x[1] + u * h1 + b)
        let y = [v[0] * h2 + c[0], v[1] * h2 + c[1]]
        let lse = log(exp(y[0]) + exp(y[1]))
        close(trace.record.loss, lse - y[1], "loss")
        // dL/dy = softmax(y) − onehot(1)
        let p0 = exp(y[0] - lse), p1 = exp(y[1] - lse)
        let dh2 = p0 * v[0] + (p1 - 1) * v[1]
        let dh1 = dh2 * (1 - h2 * h2) * u
        let dh0 = dh1 * (1 - h1 * h1) * u
        close(trace.record.layers[0][0].dh[2], dh2, "dh_2")
        close(trace.record.layers[0][0].dh[1], dh1, "dh_1")
        close(trace.record.layers[0][0].dh[0], dh0, "dh_0")
        let norms = trace.jacobianNorms[0][0]
        close(norms[1], abs(u) * (1 - h2 * h2), "jacobian_norms[1]")
        close(norms[0], u * u * (1 - h1 * h1) * (1 - h2 * h2), "jacobian_norms[0]")
        close(norms[2], 1, "jacobian_norms[2]")
    }

    @Test func lstmOneStep() throws {
        // One step from (h_0, c_0); L = (v h_1 + c − d)².
        let (wf, wi, wc, wo) = (0.3, -0.5, 0.8, 0.2)
        let (uf, ui, uc, uo) = (0.4, 0.6, -0.7, 0.9)
        let (bf, bi, bc, bo) = (1.0, 0.1, -0.2, 0.05)
        let (v, cy, d, x, h0, c0) = (1.5, 0.2, -0.3, 0.6, -0.4, 0.7)
        let m = try model("""
            {"cell":"lstm","input_size":1,"hidden_size":1,"output_size":1,"weights":{
             "W_xf":[[\(wf)]],"W_xi":[[\(wi)]],"W_xc":[[\(wc)]],"W_xo":[[\(wo)]],
             "W_hf":[[\(uf)]],"W_hi":[[\(ui)]],"W_hc":[[\(uc)]],"W_ho":[[\(uo)]],
             "b_f":[\(bf)],"b_i":[\(bi)],"b_c":[\(bc)],"b_o":[\(bo)],"W_hy":[[\(v)]],"b_y":[\(cy)]}}
            """)
        let s = try sample(#"{"x":[[0.6]],"h0":[-0.4],"c0":[0.7],"loss":"mse_last","targets":[-0.3]}"#, m)
        let trace = Trace(model: m, sample: s)
        let f = sig(wf * x + uf * h0 + bf), i = sig(wi * x + ui * h0 + bi)
        let g = tanh(wc * x + uc * h0 + bc), o = sig(wo * x + uo * h0 + bo)
        let c1 = f * c0 + i * g, tc = tanh(c1), h1 = o * tc
        let y = v * h1 + cy
        let r = trace.record.layers[0][0]
        close(r.gates[0], f, "f"); close(r.gates[1], i, "i"); close(r.gates[2], g, "c̃"); close(r.gates[3], o, "o")
        close(r.c[1], c1, "c_1"); close(r.h[1], h1, "h_1"); close(trace.record.loss, (y - d) * (y - d), "loss")
        // dh_1 = 2(y − d) v;  dc_1 = dh_1 o (1 − tanh²c_1);  dc_0 = dc_1 f
        let dh1 = 2 * (y - d) * v
        let dc1 = dh1 * o * (1 - tc * tc)
        close(r.dh[1], dh1, "dh_1"); close(r.dc[1], dc1, "dc_1"); close(r.dc[0], dc1 * f, "dc_0")
        // dh_0 = Σ_gates u_g da_g
        let daF = dc1 * c0 * f * (1 - f), daI = dc1 * g * i * (1 - i)
        let daC = dc1 * i * (1 - g * g), daO = dh1 * tc * o * (1 - o)
        close(r.dh[0], uf * daF + ui * daI + uc * daC + uo * daO, "dh_0")
        // The 2×2 Jacobian of (h_0, c_0) ↦ (h_1, c_1) and its largest singular value.
        let dcdh = c0 * f * (1 - f) * uf + g * i * (1 - i) * ui + i * (1 - g * g) * uc
        let dcdc = f
        let dhdh = tc * o * (1 - o) * uo + o * (1 - tc * tc) * dcdh
        let dhdc = o * (1 - tc * tc) * dcdc
        let frob = dhdh * dhdh + dhdc * dhdc + dcdh * dcdh + dcdc * dcdc
        let det = dhdh * dcdc - dhdc * dcdh
        let sigma = ((frob + (frob * frob - 4 * det * det).squareRoot()) / 2).squareRoot()
        close(trace.jacobianNorms[0][0][0], sigma, "jacobian_norms[0]")
        close(trace.gradient[m.network.layout.slot(named: "W_xo")!.offset], daO * x, "dW_xo")
        close(trace.gradient[m.network.layout.slot(named: "b_f")!.offset], daF, "db_f")
    }

    @Test func gruBothVariantsOneStep() throws {
        let (wz, wr, wh, uz, ur, uh, bz, br, bh) = (0.5, -0.3, 0.8, 0.2, 0.7, -0.6, 0.1, -0.1, 0.05)
        let (bhz, bhr, bhh) = (0.3, -0.2, 0.4)
        let (v, cy, d, x, h0) = (-1.2, 0.1, 0.5, 0.9, 0.3)
        for variant in [GRUVariant.lecture, .resetAfter] {
            let extra = variant == .resetAfter ? #","b_hz":[\#(bhz)],"b_hr":[\#(bhr)],"b_hh":[\#(bhh)]"# : ""
            let m = try model("""
                {"cell":"gru","gru_variant":"\(variant.rawValue)","input_size":1,"hidden_size":1,"output_size":1,"weights":{
                 "W_xz":[[\(wz)]],"W_xr":[[\(wr)]],"W_xh":[[\(wh)]],"W_hz":[[\(uz)]],"W_hr":[[\(ur)]],"W_hh":[[\(uh)]],
                 "b_z":[\(bz)],"b_r":[\(br)],"b_h":[\(bh)],"W_hy":[[\(v)]],"b_y":[\(cy)]\(extra)}}
                """)
            let s = try sample(#"{"x":[[0.9]],"h0":[0.3],"loss":"mse_last","targets":[0.5]}"#, m)
            let trace = Trace(model: m, sample: s)
            let r = trace.record.layers[0][0]
            let z, rr, ht, h1, dhdh0: Double
            if variant == .lecture {
                // h_1 = (1 − z) h_0 + z h̃, h̃ = tanh(w_h x + u_h (r h_0) + b_h)
                z = sig(wz * x + uz * h0 + bz); rr = sig(wr * x + ur * h0 + br)
                ht = tanh(wh * x + uh * rr * h0 + bh)
                h1 = (1 - z) * h0 + z * ht
                let dr = rr * (1 - rr) * ur
                dhdh0 = (1 - z) + (ht - h0) * z * (1 - z) * uz + z * (1 - ht * ht) * uh * (rr + h0 * dr)
            } else {
                // h_1 = z h_0 + (1 − z) h̃, h̃ = tanh(w_h x + b_h + r (u_h h_0 + b_hh))
                z = sig(wz * x + bz + uz * h0 + bhz); rr = sig(wr * x + br + ur * h0 + bhr)
                let n = uh * h0 + bhh
                ht = tanh(wh * x + bh + rr * n)
                h1 = z * h0 + (1 - z) * ht
                dhdh0 = z + (h0 - ht) * z * (1 - z) * uz
                    + (1 - z) * (1 - ht * ht) * (rr * uh + n * rr * (1 - rr) * ur)
            }
            close(r.gates[0], z, "\(variant) z"); close(r.gates[1], rr, "\(variant) r")
            close(r.gates[2], ht, "\(variant) h̃"); close(r.h[1], h1, "\(variant) h_1")
            let dh1 = 2 * (v * h1 + cy - d) * v
            close(r.dh[1], dh1, "\(variant) dh_1")
            close(r.dh[0], dh1 * dhdh0, "\(variant) dh_0")
            close(trace.jacobianNorms[0][0][0], abs(dhdh0), "\(variant) jacobian_norms[0]")
        }
    }

    @Test func simplifiedGRUTwoStepsByHand() throws {
        // Course notes 04: c̃ = tanh(W_c[c_{t−1}, x_t] + b_c), Γu = σ(W_u[c_{t−1}, x_t] + b_u),
        // c_t = Γu c̃ + (1 − Γu) c_{t−1}; one unit, two steps, derived by hand.
        let (wz, wh, uz, uh, bz, bh, v, cy, d) = (0.7, -0.4, 0.3, 0.9, -0.2, 0.1, 1.3, -0.05, 0.4)
        let (x1, x2, h0) = (0.6, -0.8, 0.25)
        let m = try model("""
            {"cell":"gru","gru_variant":"simplified","input_size":1,"hidden_size":1,"output_size":1,"weights":{
             "W_xz":[[\(wz)]],"W_xh":[[\(wh)]],"W_hz":[[\(uz)]],"W_hh":[[\(uh)]],"b_z":[\(bz)],"b_h":[\(bh)],
             "W_hy":[[\(v)]],"b_y":[\(cy)]}}
            """)
        let s = try sample(#"{"x":[[0.6],[-0.8]],"h0":[0.25],"loss":"mse_last","targets":[0.4]}"#, m)
        let trace = Trace(model: m, sample: s)
        let r = trace.record.layers[0][0]
        let z1 = sig(wz * x1 + uz * h0 + bz), c1 = tanh(wh * x1 + uh * h0 + bh)
        let h1 = z1 * c1 + (1 - z1) * h0
        let z2 = sig(wz * x2 + uz * h1 + bz), c2 = tanh(wh * x2 + uh * h1 + bh)
        let h2 = z2 * c2 + (1 - z2) * h1
        #expect(r.spec.gateNames == ["z", "h_tilde"])
        close(r.gates[0], z1, "z_1"); close(r.gates[1], c1, "h̃_1"); close(r.h[1], h1, "h_1")
        close(r.gates[2], z2, "z_2"); close(r.gates[3], c2, "h̃_2"); close(r.h[2], h2, "h_2")
        // ∂h_t/∂h_{t−1} = (1 − z) + (h̃ − h_{t−1}) σ′(a_z) u_z + z tanh′(a_h) u_h
        let j2 = (1 - z2) + (c2 - h1) * z2 * (1 - z2) * uz + z2 * (1 - c2 * c2) * uh
        let j1 = (1 - z1) + (c1 - h0) * z1 * (1 - z1) * uz + z1 * (1 - c1 * c1) * uh
        let dh2 = 2 * (v * h2 + cy - d) * v
        close(r.dh[2], dh2, "dh_2"); close(r.dh[1], dh2 * j2, "dh_1"); close(r.dh[0], dh2 * j2 * j1, "dh_0")
        close(trace.jacobianNorms[0][0][0], abs(j2 * j1), "jacobian_norms[0]")
        close(trace.jacobianNorms[0][0][1], abs(j2), "jacobian_norms[1]")
        // dL/dW_hh = Σ_t dh_t z_t tanh′ h_{t−1};  dL/db_z = Σ_t dh_t (h̃_t − h_{t−1}) σ′
        let dUh = dh2 * z2 * (1 - c2 * c2) * h1 + dh2 * j2 * z1 * (1 - c1 * c1) * h0
        let dBz = dh2 * (c2 - h1) * z2 * (1 - z2) + dh2 * j2 * (c1 - h0) * z1 * (1 - z1)
        close(trace.gradient[m.network.layout.slot(named: "W_hh")!.offset], dUh, "dW_hh")
        close(trace.gradient[m.network.layout.slot(named: "b_z")!.offset], dBz, "db_z")
    }

    @Test func simplifiedGRUIsTheLectureGRUWithTheResetGateOpen() {
        // With r ≡ 1 (W_xr = W_hr = 0, b_r = 60: σ(60) = 1 in double) the lecture GRU's candidate
        // reads W_hh h_{t−1}, which is the simplified GRU: same outputs, same shared gradients.
        let simplified = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3], outputSize: 2, gruVariant: .simplified)
        let lecture = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3], outputSize: 2, gruVariant: .lecture)
        let (n1, p1, s) = randomProblem(simplified, steps: 7, loss: .mseAll, seed: 21)
        let n2 = Network(lecture)
        var p2 = [Double](repeating: 0, count: n2.parameterCount)
        for slot in n1.layout.slots {
            let target = n2.layout.slot(named: slot.name)!
            for k in 0..<slot.count { p2[target.offset + k] = p1[slot.offset + k] }
        }
        for k in n2.layout.slot(named: "b_r")!.range { p2[k] = 60 }
        let (r1, g1) = n1.lossAndGradient(parameters: p1, sample: s)
        let (r2, g2) = n2.lossAndGradient(parameters: p2, sample: s)
        for (a, b) in zip(r1.y, r2.y) { close(a, b, "output") }
        for slot in n1.layout.slots {
            let other = n2.layout.slot(named: slot.name)!
            for k in 0..<slot.count { close(g1[slot.offset + k], g2[other.offset + k], "d\(slot.name)[\(k)]") }
        }
        #expect(n1.parameterCount == n2.parameterCount - (3 * 2 + 3 * 3 + 3))
    }

    @Test func gruVariantsDifferOnlyByRelabellingWithoutRecurrentBias() throws {
        // Negating W_xz, W_hz and b_z turns z into 1 − z: with W_hh h in place of r ⊙ h and
        // zero recurrent biases the two variants then agree exactly when r ≡ 1 (large b_r).
        let lecture = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3], outputSize: 1, gruVariant: .lecture)
        let after = NetworkSpec(cell: .gru, inputSize: 2, hiddenSizes: [3], outputSize: 1, gruVariant: .resetAfter)
        let (n1, p1, s) = randomProblem(lecture, steps: 6, loss: .mseAll, seed: 4)
        let n2 = Network(after)
        var p2 = [Double](repeating: 0, count: n2.parameterCount)
        for slot in n1.layout.slots {
            let target = n2.layout.slot(named: slot.name)!
            for k in 0..<slot.count {
                let negate = ["W_xz", "W_hz", "b_z"].contains(slot.name)
                p2[target.offset + k] = negate ? -p1[slot.offset + k] : p1[slot.offset + k]
            }
        }
        var q1 = p1
        let br = n1.layout.slot(named: "b_r")!, br2 = n2.layout.slot(named: "b_r")!
        for k in 0..<3 { q1[br.offset + k] = 60; p2[br2.offset + k] = 60 }  // σ(60) = 1 in double
        let y1 = n1.forward(parameters: q1, sample: s).y, y2 = n2.forward(parameters: p2, sample: s).y
        for (a, b) in zip(y1, y2) { close(a, b, "relabelled output") }
    }

    @Test func parameterCountsMatchKeras() {
        // GRU(15) on input 5: 945 weights (reset_after=False) and 990 (True), as Keras reports;
        // SimpleRNN(15) 315, LSTM(15) 1260, each plus Dense(1) = 16.
        func count(_ cell: CellKind, _ v: GRUVariant = .lecture, bi: Bool = false) -> Int {
            Network(NetworkSpec(cell: cell, inputSize: 5, hiddenSizes: [15], outputSize: 1, gruVariant: v, bidirectional: bi)).parameterCount
        }
        #expect(count(.rnn) == 315 + 16)
        #expect(count(.lstm) == 1260 + 16)
        #expect(count(.gru, .lecture) == 945 + 16)
        #expect(count(.gru, .resetAfter) == 990 + 16)
        // The simplified GRU (no Keras layer): two gate blocks of 15·5 + 15·15 + 15 = 315.
        #expect(count(.gru, .simplified) == 630 + 16)
        #expect(count(.lstm, bi: true) == 2 * 1260 + 31)
    }
}
