#!/usr/bin/env python3
"""Independent reference traces for rnnlab, computed with JAX autodiff in float64.

Nothing here is a transliteration of the Swift core: every derivative comes from jax.grad /
jax.jacfwd applied to a direct transcription of the equations in shared/spec/trace-format.md,
and spectral norms come from LAPACK's SVD (numpy.linalg.svd).

  dh_t, dc_t      gradient of L with respect to an additive perturbation of h_t (c_t),
                  applied right after the state is computed (the contract's definition)
  jacobian_norms  largest singular value of jax.jacfwd(run steps t+1..T)(s_t)
  grads           jax.grad of L with respect to every weight

Run:   pip install jax   &&   python3 Tests/Reference/make_reference.py
It rewrites Tests/RNNCoreTests/Fixtures/reference/*.json (model, sequence, expected trace).
"""
import json
import os
import sys

import numpy as np

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

OUT = os.path.join(os.path.dirname(__file__), "..", "RNNCoreTests", "Fixtures", "reference")


def weight_shapes(cell, X, H, Y, variant="lecture", peephole=False):
    if cell == "rnn":
        shapes = {"W_xh": (H, X), "W_hh": (H, H), "b_h": (H,)}
    elif cell == "lstm":
        shapes = {}
        for g in "fico":
            shapes["W_x" + g] = (H, X)
            shapes["W_h" + g] = (H, H)
            shapes["b_" + g] = (H,)
        if peephole:
            for g in "fio":
                shapes["p_" + g] = (H,)
    else:
        shapes = {}
        for g in "zrh":
            shapes["W_x" + g] = (H, X)
            shapes["W_h" + g] = (H, H)
            shapes["b_" + g] = (H,)
        if variant == "reset_after":
            for g in "zrh":
                shapes["b_h" + g] = (H,)
    shapes["W_hy"] = (Y, H)
    shapes["b_y"] = (Y,)
    return shapes


def sigmoid(a):
    return 1.0 / (1.0 + jnp.exp(-a))


def step(cfg, W, x, h, c):
    """One step of the cell: returns (h_new, c_new, gates dict, pre-activations)."""
    cell = cfg["cell"]
    if cell == "rnn":
        a = W["W_xh"] @ x + W["W_hh"] @ h + W["b_h"]
        act = cfg.get("activation", "tanh")
        hn = jnp.tanh(a) if act == "tanh" else (jnp.maximum(a, 0.0) if act == "relu" else a)
        return hn, c, {}, a
    if cell == "lstm":
        pre = {}
        for g in "fico":
            pre[g] = W["W_x" + g] @ x + W["W_h" + g] @ h + W["b_" + g]
        if cfg.get("peephole"):
            for g in "fio":
                pre[g] = pre[g] + W["p_" + g] * c
        f, i, o = sigmoid(pre["f"]), sigmoid(pre["i"]), sigmoid(pre["o"])
        ct = jnp.tanh(pre["c"])
        cn = f * c + i * ct
        hn = o * jnp.tanh(cn)
        return hn, cn, {"f": f, "i": i, "c_tilde": ct, "o": o}, jnp.concatenate([pre[g] for g in "fico"])
    # gru
    if cfg.get("gru_variant", "lecture") == "lecture":
        az = W["W_xz"] @ x + W["W_hz"] @ h + W["b_z"]
        ar = W["W_xr"] @ x + W["W_hr"] @ h + W["b_r"]
        z, r = sigmoid(az), sigmoid(ar)
        ah = W["W_xh"] @ x + W["W_hh"] @ (r * h) + W["b_h"]
        ht = jnp.tanh(ah)
        hn = (1 - z) * h + z * ht
    else:
        az = W["W_xz"] @ x + W["b_z"] + W["W_hz"] @ h + W["b_hz"]
        ar = W["W_xr"] @ x + W["b_r"] + W["W_hr"] @ h + W["b_hr"]
        z, r = sigmoid(az), sigmoid(ar)
        ah = W["W_xh"] @ x + W["b_h"] + r * (W["W_hh"] @ h + W["b_hh"])
        ht = jnp.tanh(ah)
        hn = z * h + (1 - z) * ht
    return hn, c, {"z": z, "r": r, "h_tilde": ht}, jnp.concatenate([az, ar, ah])


def loss_of(seq, ys):
    loss = seq["loss"]
    T = ys.shape[0]
    if loss == "mse_last":
        d = jnp.asarray(seq["targets"])
        return jnp.mean((ys[-1] - d) ** 2)
    if loss == "mse_all":
        d = jnp.asarray(seq["targets"])
        return jnp.mean(jnp.mean((ys - d) ** 2, axis=1))
    lsm = jax.nn.log_softmax(ys, axis=1)
    if loss == "xent_last":
        return -lsm[-1, seq["targets"]]
    return -jnp.mean(jnp.stack([lsm[t, seq["targets"][t]] for t in range(T)]))


def run(cfg, W, seq, ph=None, pc=None):
    X = jnp.asarray(seq["x"], dtype=jnp.float64)
    T, H = X.shape[0], cfg["hidden_size"]
    h = jnp.asarray(seq.get("h0", np.zeros(H)), dtype=jnp.float64)
    c = jnp.asarray(seq.get("c0", np.zeros(H)), dtype=jnp.float64)
    if ph is not None:
        h = h + ph[0]
        c = c + pc[0]
    hs, cs, ys, gates, pres = [], [], [], [], []
    for t in range(1, T + 1):
        h_new, c_new, g, pre = step(cfg, W, X[t - 1], h, c)
        if ph is not None and cfg["cell"] == "lstm":
            c_new = c_new + pc[t]
            # h_t is computed from the (possibly perturbed) c_t
            h_new = g["o"] * jnp.tanh(c_new)
        if ph is not None:
            h_new = h_new + ph[t]
        h, c = h_new, c_new
        hs.append(h)
        cs.append(c)
        ys.append(W["W_hy"] @ h + W["b_y"])
        gates.append(g)
        pres.append(pre)
    return hs, cs, jnp.stack(ys), gates, pres


def state_map(cfg, W, seq, t0):
    """s_{t0} -> s_T, running steps t0+1..T (s = h, or concat(h, c) for lstm)."""
    X = jnp.asarray(seq["x"], dtype=jnp.float64)
    T, H = X.shape[0], cfg["hidden_size"]

    def f(s):
        h = s[:H]
        c = s[H:] if cfg["cell"] == "lstm" else jnp.zeros(H)
        for t in range(t0 + 1, T + 1):
            h, c, _, _ = step(cfg, W, X[t - 1], h, c)
        return jnp.concatenate([h, c]) if cfg["cell"] == "lstm" else h

    return f


def reference_trace(cfg, weights, seq):
    W = {k: jnp.asarray(v, dtype=jnp.float64) for k, v in weights.items()}
    X = np.asarray(seq["x"])
    T, H = X.shape[0], cfg["hidden_size"]
    hs, cs, ys, gates, pres = run(cfg, W, seq)
    loss = loss_of(seq, ys)

    def L_params(Wp):
        return loss_of(seq, run(cfg, Wp, seq)[2])

    grads = jax.grad(L_params)(W)

    def L_pert(ph, pc):
        return loss_of(seq, run(cfg, W, seq, ph, pc)[2])

    zeros = jnp.zeros((T + 1, H))
    dh, dc = jax.grad(L_pert, argnums=(0, 1))(zeros, zeros)

    h0 = np.asarray(seq.get("h0", np.zeros(H)))
    c0 = np.asarray(seq.get("c0", np.zeros(H)))
    states_h = [h0] + [np.asarray(v) for v in hs]
    states_c = [c0] + [np.asarray(v) for v in cs]
    norms = []
    for t in range(T + 1):
        s = np.concatenate([states_h[t], states_c[t]]) if cfg["cell"] == "lstm" else states_h[t]
        if t == T:
            norms.append(1.0)
            continue
        J = np.asarray(jax.jacfwd(state_map(cfg, W, seq, t))(jnp.asarray(s)))
        norms.append(float(np.linalg.svd(J, compute_uv=False)[0]))

    forward = []
    for t in range(1, T + 1):
        entry = {"t": t, "gates": {k: np.asarray(v).tolist() for k, v in gates[t - 1].items()}}
        if cfg["cell"] == "lstm":
            entry["c"] = np.asarray(cs[t - 1]).tolist()
        entry["h"] = np.asarray(hs[t - 1]).tolist()
        entry["y"] = np.asarray(ys[t - 1]).tolist()
        forward.append(entry)
    backward = []
    for t in range(T + 1):
        entry = {"t": t, "dh": np.asarray(dh[t]).tolist()}
        if cfg["cell"] == "lstm":
            entry["dc"] = np.asarray(dc[t]).tolist()
        backward.append(entry)
    return {
        "format": "rnnlab.trace.v1",
        "cell": cfg["cell"],
        "steps": T,
        "loss": float(loss),
        "forward": forward,
        "backward": backward,
        "jacobian_norms": norms,
        "grads": {k: np.asarray(v).tolist() for k, v in grads.items()},
    }


CASES = [
    # name, model config, T, loss, seed, initial states, weight scale
    ("rnn_tanh_mse_last", {"cell": "rnn", "activation": "tanh"}, 9, "mse_last", 1, True, 0.6),
    ("rnn_relu_mse_all", {"cell": "rnn", "activation": "relu"}, 8, "mse_all", 2, False, 0.5),
    ("rnn_linear_xent_all", {"cell": "rnn", "activation": "linear"}, 7, "xent_all", 3, True, 0.4),
    ("lstm_mse_last", {"cell": "lstm"}, 7, "mse_last", 4, True, 0.5),
    ("lstm_peephole_xent_last", {"cell": "lstm", "peephole": True}, 10, "xent_last", 5, True, 0.5),
    ("lstm_long_mse_all", {"cell": "lstm"}, 25, "mse_all", 6, False, 0.7),
    ("gru_lecture_mse_all", {"cell": "gru", "gru_variant": "lecture"}, 8, "mse_all", 7, True, 0.6),
    ("gru_reset_after_xent_all", {"cell": "gru", "gru_variant": "reset_after"}, 9, "xent_all", 8, True, 0.6),
    ("gru_default_mse_last", {"cell": "gru"}, 6, "mse_last", 9, False, 0.8),
    # larger states, where the Jacobian norms' iterative solver has real work to do
    ("lstm_h12_t40_mse_all", {"cell": "lstm", "X": 5, "H": 12, "Y": 3}, 40, "mse_all", 10, True, 0.45),
    ("gru_h16_t30_xent_all", {"cell": "gru", "gru_variant": "reset_after", "X": 4, "H": 16, "Y": 3}, 30, "xent_all", 11, True, 0.5),
    ("rnn_h16_t30_mse_last", {"cell": "rnn", "X": 4, "H": 16, "Y": 2}, 30, "mse_last", 12, True, 0.35),
]


def make_case(name, extra, T, loss, seed, with_h0, scale):
    rng = np.random.default_rng(seed)
    X, H, Y = extra.get("X", 3), extra.get("H", 4), extra.get("Y", 2)
    cfg = {"cell": extra["cell"], "input_size": X, "hidden_size": H, "output_size": Y}
    cfg.update({k: v for k, v in extra.items() if k not in ("cell", "X", "H", "Y")})
    shapes = weight_shapes(cfg["cell"], X, H, Y, cfg.get("gru_variant", "lecture"), cfg.get("peephole", False))
    weights = {k: (scale * rng.standard_normal(s)).tolist() for k, s in shapes.items()}
    seq = {"x": rng.uniform(-1, 1, (T, X)).tolist()}
    if with_h0:
        seq["h0"] = rng.uniform(-0.5, 0.5, H).tolist()
        if cfg["cell"] == "lstm":
            seq["c0"] = rng.uniform(-0.5, 0.5, H).tolist()
    seq["loss"] = loss
    if loss == "mse_last":
        seq["targets"] = rng.uniform(-1, 1, Y).tolist()
    elif loss == "mse_all":
        seq["targets"] = rng.uniform(-1, 1, (T, Y)).tolist()
    elif loss == "xent_last":
        seq["targets"] = int(rng.integers(0, Y))
    else:
        seq["targets"] = [int(v) for v in rng.integers(0, Y, T)]
    model = dict(cfg)
    model["weights"] = weights
    expected = reference_trace(cfg, weights, seq)
    return model, seq, expected


def write_fixtures(out, cases, make):
    """Writes out/NAME.{model,sequence,expected}.json for each case, make(*case) giving the three."""
    os.makedirs(out, exist_ok=True)
    for case in cases:
        model, seq, expected = make(*case)
        name = case[0]
        for suffix, obj in (("model", model), ("sequence", seq), ("expected", expected)):
            with open(os.path.join(out, f"{name}.{suffix}.json"), "w") as f:
                json.dump(obj, f, indent=1)
                f.write("\n")
        print("wrote", name, "loss", expected["loss"], file=sys.stderr)


def main():
    write_fixtures(OUT, CASES, make_case)


if __name__ == "__main__":
    main()
