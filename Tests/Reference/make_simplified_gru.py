#!/usr/bin/env python3
"""Independent reference traces for the simplified GRU of course notes 04, with JAX in float64.

Written from the notes' equations, in the notes' own parameterisation: one matrix per gate
acting on the concatenation [c<t-1>, x<t>], the memory cell c equal to the activation a,

    c~<t> = tanh(W_c [c<t-1>, x<t>] + b_c)
    G_u   = sigmoid(W_u [c<t-1>, x<t>] + b_u)
    c<t>  = G_u * c~<t> + (1 - G_u) * c<t-1>,        a<t> = c<t>
    y<t>  = W_y a<t> + b_y

Every derivative comes from jax.grad / jax.jacfwd on that function, with respect to W_c, W_u,
b_c, b_u, W_y, b_y as the notes write them; the spectral norms from numpy's SVD. Only when the
fixture is written are the concatenated matrices cut into the names rnnlab's trace uses
(README "Trace file extensions": Gamma_u = z, c~ = h~, c = h; W_u = [W_hz | W_xz],
W_c = [W_hh | W_xh], b_u = b_z, b_c = b_h, W_y = W_hy):

  dh_t            gradient of L with respect to an additive perturbation of c<t> right after
                  it is computed (the trace contract's definition)
  jacobian_norms  largest singular value of jax.jacfwd(run steps t+1..T)(c<t>)
  grads           jax.grad of L with respect to every weight

Run:   pip install jax   &&   python3 Tests/Reference/make_simplified_gru.py
It writes Tests/RNNCoreTests/Fixtures/reference/gru_simplified_*.json (model, sequence,
expected trace), which the reference tests read with the other cells' fixtures.
"""
import json
import os
import sys

import numpy as np

import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

OUT = os.path.join(os.path.dirname(__file__), "..", "RNNCoreTests", "Fixtures", "reference")


def sigmoid(v):
    return 1.0 / (1.0 + jnp.exp(-v))


def cell(P, c_prev, x):
    """One step of the notes' simplified GRU: returns (c<t>, G_u, c~<t>)."""
    cx = jnp.concatenate([c_prev, x])
    c_tilde = jnp.tanh(P["W_c"] @ cx + P["b_c"])
    gamma_u = sigmoid(P["W_u"] @ cx + P["b_u"])
    return gamma_u * c_tilde + (1.0 - gamma_u) * c_prev, gamma_u, c_tilde


def unroll(P, xs, c0, perturb=None):
    """c<1..T>, G_u, c~ and y<1..T>; perturb[t] is added to c<t> right after it is computed."""
    c = c0 if perturb is None else c0 + perturb[0]
    cs, gus, cts, ys = [], [], [], []
    for t in range(1, xs.shape[0] + 1):
        c, gu, ct = cell(P, c, xs[t - 1])
        if perturb is not None:
            c = c + perturb[t]
        cs.append(c)
        gus.append(gu)
        cts.append(ct)
        ys.append(P["W_y"] @ c + P["b_y"])
    return cs, gus, cts, jnp.stack(ys)


def loss_of(kind, targets, ys):
    if kind == "mse_last":
        return jnp.mean((ys[-1] - jnp.asarray(targets)) ** 2)
    if kind == "mse_all":
        return jnp.mean(jnp.mean((ys - jnp.asarray(targets)) ** 2, axis=1))
    logp = jax.nn.log_softmax(ys, axis=1)
    if kind == "xent_last":
        return -logp[-1, targets]
    return -jnp.mean(jnp.stack([logp[t, k] for t, k in enumerate(targets)]))


def to_rnnlab(P, H):
    """The notes' matrices cut into rnnlab's weight names (columns [c | x])."""
    return {
        "W_xz": P["W_u"][:, H:], "W_xh": P["W_c"][:, H:],
        "W_hz": P["W_u"][:, :H], "W_hh": P["W_c"][:, :H],
        "b_z": P["b_u"], "b_h": P["b_c"], "W_hy": P["W_y"], "b_y": P["b_y"],
    }


def make_case(name, X, H, Y, T, loss, seed, with_c0, scale):
    rng = np.random.default_rng(seed)
    P = {
        "W_u": scale * rng.standard_normal((H, H + X)),
        "W_c": scale * rng.standard_normal((H, H + X)),
        "b_u": scale * rng.standard_normal(H),
        "b_c": scale * rng.standard_normal(H),
        "W_y": scale * rng.standard_normal((Y, H)),
        "b_y": scale * rng.standard_normal(Y),
    }
    P = {k: jnp.asarray(v) for k, v in P.items()}
    xs = jnp.asarray(rng.uniform(-1, 1, (T, X)))
    c0 = jnp.asarray(rng.uniform(-0.5, 0.5, H)) if with_c0 else jnp.zeros(H)
    if loss == "mse_last":
        targets = rng.uniform(-1, 1, Y).tolist()
    elif loss == "mse_all":
        targets = rng.uniform(-1, 1, (T, Y)).tolist()
    elif loss == "xent_last":
        targets = int(rng.integers(0, Y))
    else:
        targets = [int(v) for v in rng.integers(0, Y, T)]

    cs, gus, cts, ys = unroll(P, xs, c0)
    L = loss_of(loss, targets, ys)
    grads = jax.grad(lambda Q: loss_of(loss, targets, unroll(Q, xs, c0)[3]))(P)
    dc = jax.grad(lambda e: loss_of(loss, targets, unroll(P, xs, c0, e)[3]))(jnp.zeros((T + 1, H)))

    states = [c0] + cs
    norms = []
    for t in range(T + 1):
        if t == T:
            norms.append(1.0)
            continue

        def rest(c, t=t):
            for s in range(t + 1, T + 1):
                c, _, _ = cell(P, c, xs[s - 1])
            return c

        J = np.asarray(jax.jacfwd(rest)(states[t]))
        norms.append(float(np.linalg.svd(J, compute_uv=False)[0]))

    weights = {k: np.asarray(v).tolist() for k, v in to_rnnlab(P, H).items()}
    model = {"cell": "gru", "gru_variant": "simplified", "input_size": X, "hidden_size": H,
             "output_size": Y, "weights": weights}
    seq = {"x": np.asarray(xs).tolist()}
    if with_c0:
        seq["h0"] = np.asarray(c0).tolist()
    seq["loss"] = loss
    seq["targets"] = targets
    expected = {
        "format": "rnnlab.trace.v1",
        "cell": "gru",
        "steps": T,
        "loss": float(L),
        "forward": [
            {"t": t, "gates": {"z": np.asarray(gus[t - 1]).tolist(), "h_tilde": np.asarray(cts[t - 1]).tolist()},
             "h": np.asarray(cs[t - 1]).tolist(), "y": np.asarray(ys[t - 1]).tolist()}
            for t in range(1, T + 1)
        ],
        "backward": [{"t": t, "dh": np.asarray(dc[t]).tolist()} for t in range(T + 1)],
        "jacobian_norms": norms,
        "grads": {k: np.asarray(v).tolist() for k, v in to_rnnlab(grads, H).items()},
    }
    return model, seq, expected


CASES = [
    # name, X, H, Y, T, loss, seed, initial state, weight scale
    ("gru_simplified_mse_last", 3, 4, 2, 9, "mse_last", 21, True, 0.6),
    ("gru_simplified_xent_all", 3, 4, 3, 8, "xent_all", 22, False, 0.7),
    ("gru_simplified_h12_t30_mse_all", 4, 12, 2, 30, "mse_all", 23, True, 0.45),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        model, seq, expected = make_case(*case)
        for suffix, obj in (("model", model), ("sequence", seq), ("expected", expected)):
            with open(os.path.join(OUT, f"{case[0]}.{suffix}.json"), "w") as f:
                json.dump(obj, f, indent=1)
                f.write("\n")
        print("wrote", case[0], "loss", expected["loss"], file=sys.stderr)


if __name__ == "__main__":
    main()
