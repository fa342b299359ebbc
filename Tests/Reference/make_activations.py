#!/usr/bin/env python3
"""Correctly rounded σ(x) and tanh(x) at 3,000 points, from mpmath at 200-bit precision.

The kernels (Sources/RNNKernels) evaluate σ and tanh with their own exp; this fixture lets the
tests measure their error in ulps against the true values rather than against libm (which is
itself up to about 2 ulp off). Points: log-uniform magnitudes 1e-12 … 40 of both signs, a fine
grid over [-1, 1] (the polynomial's seams), and the far tails.

Run:   pip install mpmath   &&   python3 Tests/Reference/make_activations.py
It rewrites Tests/RNNCoreTests/Fixtures/activations/activations.json: rows [x, σ(x), tanh(x)],
each number as Python's repr of a float64 (shortest round-trip decimal).
"""
import json
import os

import mpmath
import numpy as np

mpmath.mp.prec = 200
OUT = os.path.join(os.path.dirname(__file__), "..", "RNNCoreTests", "Fixtures", "activations", "activations.json")


def main():
    rng = np.random.default_rng(20261126)
    magnitudes = 10.0 ** rng.uniform(-12, np.log10(40), 2000)
    signs = rng.choice([-1.0, 1.0], 2000)
    xs = list(magnitudes * signs) + list(np.linspace(-1, 1, 801)) + list(rng.uniform(-745, -40, 100)) \
        + list(rng.uniform(40, 745, 99))
    rows = []
    for x in xs:
        x = float(x)
        m = mpmath.mpf(x)
        sigma = float(1 / (1 + mpmath.exp(-m)))  # float() rounds to nearest
        tanh = float(mpmath.tanh(m))
        rows.append([x, sigma, tanh])
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")
    print(f"wrote {len(rows)} rows to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
