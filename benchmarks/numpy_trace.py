#!/usr/bin/env python3
"""A straightforward numpy implementation of `rnnlab trace` for LSTM models: the reference run
the benchmarks compare rnnlab against. It is written the way a competent numpy user would write
it (input projections and weight gradients as whole-sequence matrix products, one SVD per step
for the Jacobian norms), and its output is checked against rnnlab's in benchmarks/run.py.

    python3 numpy_trace.py MODEL.json SEQUENCE.json -o OUT.json
"""
import json
import sys

import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def stacked(W, prefix):
    return np.concatenate([np.asarray(W[prefix + g], dtype=np.float64) for g in "fico"], axis=0)


def forward_backward(Wx, Wh, b, Why, by, X, h0, c0, target):
    """LSTM forward over all steps, mse_last loss, full BPTT. Returns everything recorded."""
    T, H = X.shape[0], Wh.shape[1]
    pre = X @ Wx.T + b                       # (T, 4H) input projections in one product
    hs = np.zeros((T + 1, H)); cs = np.zeros((T + 1, H)); hs[0] = h0; cs[0] = c0
    gates = np.zeros((T, 4 * H)); tcs = np.zeros((T, H))
    for t in range(1, T + 1):
        a = pre[t - 1] + Wh @ hs[t - 1]
        f, i, g, o = sigmoid(a[:H]), sigmoid(a[H:2 * H]), np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
        gates[t - 1] = np.concatenate([f, i, g, o])
        cs[t] = f * cs[t - 1] + i * g
        tcs[t - 1] = np.tanh(cs[t])
        hs[t] = o * tcs[t - 1]
        pre[t - 1] = a
    ys = hs[1:] @ Why.T + by
    Y = ys.shape[1]
    loss = float(np.mean((ys[-1] - target) ** 2))
    dy = np.zeros_like(ys); dy[-1] = 2 * (ys[-1] - target) / Y
    dhs_ext = dy @ Why
    dh = np.zeros((T + 1, H)); dc = np.zeros((T + 1, H)); dA = np.zeros((T, 4 * H))
    dh[1:] = dhs_ext
    dc_next = np.zeros(H)
    for t in range(T, 0, -1):
        f, i, g, o = (gates[t - 1, k * H:(k + 1) * H] for k in range(4))
        tc = tcs[t - 1]
        dct = dc_next + dh[t] * o * (1 - tc * tc)
        dc[t] = dct
        da = np.concatenate([dct * cs[t - 1] * f * (1 - f), dct * g * i * (1 - i),
                             dct * i * (1 - g * g), dh[t] * tc * o * (1 - o)])
        dA[t - 1] = da
        dh[t - 1] += Wh.T @ da
        dc_next = dct * f
    dc[0] = dc_next
    grads = {"Wx": dA.T @ X, "Wh": dA.T @ hs[:-1], "b": dA.sum(0), "Why": dy.T @ hs[1:], "by": dy.sum(0)}
    return dict(loss=loss, hs=hs, cs=cs, gates=gates, ys=ys, dh=dh, dc=dc, grads=grads, tcs=tcs)


def jacobian_norms(Wh, rec):
    """‖∂(h_T, c_T)/∂(h_t, c_t)‖₂ for t = 0..T by a running product and one SVD per step."""
    gates, cs, tcs = rec["gates"], rec["cs"], rec["tcs"]
    T, H = gates.shape[0], Wh.shape[1]
    P = np.eye(2 * H)
    norms = [0.0] * (T + 1)
    norms[T] = 1.0
    log_scale = 0.0
    for t in range(T, 0, -1):
        f, i, g, o = (gates[t - 1, k * H:(k + 1) * H] for k in range(4))
        tc, cp = tcs[t - 1], cs[t - 1]
        dcdh = ((cp * f * (1 - f))[:, None] * Wh[:H] + (g * i * (1 - i))[:, None] * Wh[H:2 * H]
                + (i * (1 - g * g))[:, None] * Wh[2 * H:3 * H])
        dhdh = (tc * o * (1 - o))[:, None] * Wh[3 * H:] + (o * (1 - tc * tc))[:, None] * dcdh
        J = np.block([[dhdh, np.diag(o * (1 - tc * tc) * f)], [dcdh, np.diag(f)]])
        P = P @ J
        m = np.abs(P).max()
        if m > 0:
            P /= m
            log_scale += np.log(m)
        s = np.linalg.svd(P, compute_uv=False)[0]
        norms[t - 1] = float(np.exp(np.log(s) + log_scale)) if s > 0 else 0.0
    return norms


def trace(model, seq):
    W = model["weights"]
    H = model["hidden_size"]
    Wx, Wh, b = stacked(W, "W_x"), stacked(W, "W_h"), np.concatenate([np.asarray(W["b_" + g]) for g in "fico"])
    Why, by = np.asarray(W["W_hy"], dtype=np.float64), np.asarray(W["b_y"], dtype=np.float64)
    X = np.asarray(seq["x"], dtype=np.float64)
    h0 = np.asarray(seq.get("h0", np.zeros(H))); c0 = np.asarray(seq.get("c0", np.zeros(H)))
    rec = forward_backward(Wx, Wh, b, Why, by, X, h0, c0, np.asarray(seq["targets"], dtype=np.float64))
    norms = jacobian_norms(Wh, rec)
    T = X.shape[0]
    names = "fico"
    forward = []
    for t in range(1, T + 1):
        gt = rec["gates"][t - 1]
        forward.append({"t": t, "gates": {"f": gt[:H].tolist(), "i": gt[H:2 * H].tolist(),
                                          "c_tilde": gt[2 * H:3 * H].tolist(), "o": gt[3 * H:].tolist()},
                        "c": rec["cs"][t].tolist(), "h": rec["hs"][t].tolist(), "y": rec["ys"][t - 1].tolist()})
    backward = [{"t": t, "dh": rec["dh"][t].tolist(), "dc": rec["dc"][t].tolist()} for t in range(T + 1)]
    grads = {}
    for k, g in enumerate(names):
        grads["W_x" + g] = rec["grads"]["Wx"][k * H:(k + 1) * H].tolist()
        grads["W_h" + g] = rec["grads"]["Wh"][k * H:(k + 1) * H].tolist()
        grads["b_" + g] = rec["grads"]["b"][k * H:(k + 1) * H].tolist()
    grads["W_hy"] = rec["grads"]["Why"].tolist()
    grads["b_y"] = rec["grads"]["by"].tolist()
    return {"format": "rnnlab.trace.v1", "cell": "lstm", "steps": T, "loss": rec["loss"],
            "forward": forward, "backward": backward, "jacobian_norms": norms, "grads": grads}


def main():
    args = sys.argv[1:]
    out = None
    if "-o" in args:
        k = args.index("-o")
        out = args[k + 1]
        del args[k:k + 2]
    with open(args[0]) as f:
        model = json.load(f)
    with open(args[1]) as f:
        seq = json.load(f)
    text = json.dumps(trace(model, seq), separators=(",", ":"))
    if out:
        with open(out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
