#!/usr/bin/env python3
"""Independent reference traces for rnnlab's encoder-decoder, computed with JAX in float64.

The model, from README "Trace file extensions" (encoder-decoder):

  encoder   x_s = E_enc[source_s], s = 1..S; each layer runs its cell over the sequence (and,
            bidirectional, a second cell over it reversed) and passes [h->_s ; h<-_s] up
  bridge    decoder layer l starts from encoder layer l's last states: h_0 = [h->_S ; h<-_1]
            (h_S alone when unidirectional); c_0 likewise when both halves are LSTMs, else 0
  decoder   inputs BOS, target; outputs target, EOS; y_t = W_hy h_t + b_y on the top layer
  loss      mean over the decoder's steps of -log softmax(y_t)[out_t]

Every derivative comes from JAX autodiff of that forward computation, written here from the
equations (the cell steps are those of make_reference.py, which transcribes
shared/spec/trace-format.md); nothing follows the Swift code's structure:

  dh, dc          jax.grad of L with respect to an additive perturbation of each state right
                  after it is computed (t = 0 perturbs the initial state: for the decoder, the
                  state the bridge made)
  jacobian_norms  largest singular value (numpy SVD) of jax.jacfwd of one cell's own
                  recurrence s_t -> s_T, its inputs held at their forward values
  grads           jax.grad of L with respect to every weight

Run:   pip install jax   &&   python3 Tests/Reference/make_seq2seq.py
It rewrites Tests/RNNCoreTests/Fixtures/seq2seq/*.json (model, sequence, expected trace).
"""
import json
import os
import sys

import numpy as np

import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.dirname(__file__))
from make_reference import step, weight_shapes, write_fixtures  # noqa: E402  (the cell equations)

jax.config.update("jax_enable_x64", True)

OUT = os.path.join(os.path.dirname(__file__), "..", "RNNCoreTests", "Fixtures", "seq2seq")


def cell_names(half, cfg):
    """[(layer, direction, weight-name prefix)] of one half, in the order the file lists them."""
    L, bidi = cfg.get("num_layers", 1), cfg.get("bidirectional", False)
    out = []
    for l in range(1, L + 1):
        for d in (["forward", "backward"] if bidi else ["forward"]):
            prefix = half + "." + (f"layer{l}." if L > 1 else "") + (d + "." if bidi else "")
            out.append((l, d, prefix))
    return out


def all_shapes(model):
    enc, dec = model["encoder"], model["decoder"]
    shapes = {"encoder.E": (model["source_vocab_size"], enc["input_size"])}
    for half, cfg in (("encoder", enc), ("decoder", dec)):
        if half == "decoder":
            shapes["decoder.E"] = (model["target_vocab_size"], dec["input_size"])
        width = (2 if cfg.get("bidirectional") else 1) * cfg["hidden_size"]
        for l, d, prefix in cell_names(half, cfg):
            X = cfg["input_size"] if l == 1 else width
            cell_shapes = weight_shapes(cfg["cell"], X, cfg["hidden_size"], 1,
                                        cfg.get("gru_variant", "lecture"), cfg.get("peephole", False))
            for k, s in cell_shapes.items():
                if k not in ("W_hy", "b_y"):
                    shapes[prefix + k] = s
    shapes["W_hy"] = (model["target_vocab_size"], dec["hidden_size"])
    shapes["b_y"] = (model["target_vocab_size"],)
    return shapes


def sub(W, prefix):
    return {k[len(prefix):]: v for k, v in W.items() if k.startswith(prefix) and "." not in k[len(prefix):]}


def run_cell(cfg, W, xs, h0, c0, ph=None, pc=None):
    """One cell over the inputs xs (in its own order). Returns states h_0..h_T, c_0..c_T and gates."""
    h, c = h0, c0
    if ph is not None:
        h = h + ph[0]
        c = c + pc[0]
    hs, cs, gates = [h], [c], []
    for t in range(1, len(xs) + 1):
        h_new, c_new, g, _ = step(cfg, W, xs[t - 1], h, c)
        if ph is not None:
            if cfg["cell"] == "lstm":
                c_new = c_new + pc[t]
                h_new = g["o"] * jnp.tanh(c_new)  # h_t is computed from the (perturbed) c_t
            h_new = h_new + ph[t]
        h, c = h_new, c_new
        hs.append(h)
        cs.append(c)
        gates.append(g)
    return hs, cs, gates


def run_half(half, cfg, W, xs, init=None, pert=None):
    """Every layer and direction of one half. init[l] = (h0, c0) of layer l's forward cell."""
    H = cfg["hidden_size"]
    records = {}
    below = xs
    for l in range(1, cfg.get("num_layers", 1) + 1):
        outs = []
        for l2, d, prefix in cell_names(half, cfg):
            if l2 != l:
                continue
            inputs = below if d == "forward" else below[::-1]
            h0, c0 = (init[l - 1] if (init is not None and d == "forward") else (jnp.zeros(H), jnp.zeros(H)))
            ph, pc = pert[(l, d)] if pert is not None else (None, None)
            hs, cs, gates = run_cell(cfg, sub(W, prefix), inputs, h0, c0, ph, pc)
            records[(l, d)] = {"h": hs, "c": cs, "gates": gates, "inputs": inputs, "prefix": prefix}
            seq = hs[1:] if d == "forward" else hs[1:][::-1]
            outs.append(seq)
        below = [jnp.concatenate([o[t] for o in outs]) for t in range(len(xs))]
    return records, below


def forward(model, W, seq, pert_enc=None, pert_dec=None):
    enc, dec = model["encoder"], model["decoder"]
    bos, eos = model.get("bos", 0), model.get("eos", 1)
    xs = [W["encoder.E"][i] for i in seq["source"]]
    enc_rec, _ = run_half("encoder", enc, W, xs, pert=pert_enc)
    S = len(seq["source"])
    init = []
    carries_c = enc["cell"] == "lstm" and dec["cell"] == "lstm"
    for l in range(1, enc.get("num_layers", 1) + 1):
        dirs = ["forward", "backward"] if enc.get("bidirectional") else ["forward"]
        h0 = jnp.concatenate([enc_rec[(l, d)]["h"][S] for d in dirs])
        c0 = jnp.concatenate([enc_rec[(l, d)]["c"][S] for d in dirs]) if carries_c else jnp.zeros(dec["hidden_size"])
        init.append((h0, c0))
    dec_in = [bos] + seq["target"]
    dec_out = seq["target"] + [eos]
    ds = [W["decoder.E"][i] for i in dec_in]
    dec_rec, top = run_half("decoder", dec, W, ds, init=init, pert=pert_dec)
    ys = jnp.stack([W["W_hy"] @ h + W["b_y"] for h in top])
    lsm = jax.nn.log_softmax(ys, axis=1)
    loss = -jnp.mean(jnp.stack([lsm[t, dec_out[t]] for t in range(len(dec_out))]))
    return loss, enc_rec, dec_rec, ys


def jacobian_norms(cfg, Wc, rec):
    """||d s_T / d s_t||_2 for t = 0..T over one cell's recurrence, inputs held fixed."""
    xs, H = rec["inputs"], cfg["hidden_size"]
    T = len(xs)
    lstm = cfg["cell"] == "lstm"
    norms = []
    for t0 in range(T + 1):
        if t0 == T:
            norms.append(1.0)
            continue

        def f(s, t0=t0):
            h = s[:H]
            c = s[H:] if lstm else jnp.zeros(H)
            for t in range(t0 + 1, T + 1):
                h, c, _, _ = step(cfg, Wc, xs[t - 1], h, c)
            return jnp.concatenate([h, c]) if lstm else h

        s = jnp.concatenate([rec["h"][t0], rec["c"][t0]]) if lstm else rec["h"][t0]
        J = np.asarray(jax.jacfwd(f)(s))
        norms.append(float(np.linalg.svd(J, compute_uv=False)[0]))
    return norms


def half_json(half, cfg, W, records, grads_h, grads_c):
    layers = []
    for l, d, prefix in cell_names(half, cfg):
        rec = records[(l, d)]
        T = len(rec["inputs"])
        fw = []
        for t in range(1, T + 1):
            e = {"t": t, "gates": {k: np.asarray(v).tolist() for k, v in rec["gates"][t - 1].items()}}
            if cfg["cell"] == "lstm":
                e["c"] = np.asarray(rec["c"][t]).tolist()
            e["h"] = np.asarray(rec["h"][t]).tolist()
            fw.append(e)
        bw = []
        for t in range(T + 1):
            e = {"t": t, "dh": np.asarray(grads_h[(l, d)][t]).tolist()}
            if cfg["cell"] == "lstm":
                e["dc"] = np.asarray(grads_c[(l, d)][t]).tolist()
            bw.append(e)
        layers.append({"layer": l, "direction": d, "forward": fw, "backward": bw,
                       "jacobian_norms": jacobian_norms(cfg, sub(W, prefix), rec)})
    return layers


def reference_trace(model, weights, seq):
    W = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in weights.items()}
    enc, dec = model["encoder"], model["decoder"]
    loss, enc_rec, dec_rec, ys = forward(model, W, seq)
    grads = jax.grad(lambda Wp: forward(model, Wp, seq)[0])(W)

    def zeros(half, cfg, steps):
        H = cfg["hidden_size"]
        return {(l, d): (jnp.zeros((steps + 1, H)), jnp.zeros((steps + 1, H)))
                for l, d, _ in cell_names(half, cfg)}

    pe = zeros("encoder", enc, len(seq["source"]))
    pd = zeros("decoder", dec, len(seq["target"]) + 1)
    ge, gd = jax.grad(lambda a, b: forward(model, W, seq, a, b)[0], argnums=(0, 1))(pe, pd)
    eh = {k: v[0] for k, v in ge.items()}
    ec = {k: v[1] for k, v in ge.items()}
    dh = {k: v[0] for k, v in gd.items()}
    dc = {k: v[1] for k, v in gd.items()}
    bridge = []
    for l in range(1, dec.get("num_layers", 1) + 1):
        r = dec_rec[(l, "forward")]
        e = {"layer": l, "h": np.asarray(r["h"][0]).tolist()}
        if dec["cell"] == "lstm":
            e["c"] = np.asarray(r["c"][0]).tolist()
        e["dh"] = np.asarray(dh[(l, "forward")][0]).tolist()
        if dec["cell"] == "lstm":
            e["dc"] = np.asarray(dc[(l, "forward")][0]).tolist()
        bridge.append(e)
    return {
        "format": "rnnlab.trace.v1",
        "model": "encoder_decoder",
        "loss": float(loss),
        "source": seq["source"],
        "decoder_input": [model.get("bos", 0)] + seq["target"],
        "decoder_target": seq["target"] + [model.get("eos", 1)],
        "encoder": {"cell": enc["cell"], "steps": len(seq["source"]),
                    "layers": half_json("encoder", enc, W, enc_rec, eh, ec)},
        "bridge": bridge,
        "decoder": {"cell": dec["cell"], "steps": len(seq["target"]) + 1,
                    "y": np.asarray(ys).tolist(),
                    "layers": half_json("decoder", dec, W, dec_rec, dh, dc)},
        "grads": {k: np.asarray(v).tolist() for k, v in grads.items()},
    }


CASES = [
    # name, encoder, decoder, source length, target length, seed
    ("lstm_lstm", {"cell": "lstm", "H": 4}, {"cell": "lstm", "H": 4}, 7, 6, 1),
    ("gru_gru", {"cell": "gru", "H": 4}, {"cell": "gru", "H": 4}, 6, 7, 2),
    ("rnn_rnn", {"cell": "rnn", "H": 5}, {"cell": "rnn", "H": 5}, 8, 6, 3),
    ("bilstm_lstm", {"cell": "lstm", "H": 4, "bidirectional": True}, {"cell": "lstm", "H": 8}, 6, 6, 4),
    ("gru2_gru2_reset_after", {"cell": "gru", "H": 4, "num_layers": 2, "gru_variant": "reset_after"},
     {"cell": "gru", "H": 4, "num_layers": 2, "gru_variant": "reset_after"}, 7, 6, 5),
    ("lstm_gru", {"cell": "lstm", "H": 4, "peephole": True}, {"cell": "gru", "H": 4}, 6, 6, 6),
    ("bigru2_lstm2", {"cell": "gru", "H": 3, "bidirectional": True, "num_layers": 2},
     {"cell": "lstm", "H": 6, "num_layers": 2}, 6, 7, 7),
]


def make_case(name, enc_extra, dec_extra, S, n, seed):
    rng = np.random.default_rng(100 + seed)
    Vs, Vt = 7, 9
    model = {"source_vocab_size": Vs, "target_vocab_size": Vt}

    def half(extra, X):
        cfg = {"cell": extra["cell"], "input_size": X, "hidden_size": extra["H"]}
        for k in ("num_layers", "bidirectional", "gru_variant", "peephole"):
            if k in extra:
                cfg[k] = extra[k]
        return cfg

    model["encoder"] = half(enc_extra, 3)
    model["decoder"] = half(dec_extra, 4)
    shapes = all_shapes(model)
    weights = {k: (0.5 * rng.standard_normal(s)).tolist() for k, s in shapes.items()}
    seq = {"source": [int(v) for v in rng.integers(0, Vs, S)],
           "target": [int(v) for v in rng.integers(2, Vt, n)]}  # 0 and 1 are BOS and EOS
    model["weights"] = weights
    expected = reference_trace(model, weights, seq)
    if name == "lstm_lstm":  # one file names the cell once, at the top level, for both halves
        model = dict(model, cell="lstm",
                     encoder={k: v for k, v in model["encoder"].items() if k != "cell"},
                     decoder={k: v for k, v in model["decoder"].items() if k != "cell"})
    return model, seq, expected


def main():
    write_fixtures(OUT, CASES, make_case)


if __name__ == "__main__":
    main()
