#!/usr/bin/env python3
"""Layout + render time and SVG size of rnnlab's computation graphs against T.

    swift build -c release && python3 benchmarks/graphs.py > benchmarks/graphs.md

Gate-level unrolled LSTM drawn in full (no folding) for T = 8 … 512, and the folded views a
lesson draws at T = 1000 and 10 000 (gate-level and compact, with a trace's values). The time
is Graphviz's layout and SVG rendering (a fresh context each time, as rnnlab always renders),
measured inside `rnnlab graph --timing`, best of 3.
Targets (issue 3): any graph a lesson draws under 0.3 s and 1 MB; the folded view's cost flat in T.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNNLAB = os.path.join(ROOT, ".build", "release", "rnnlab")
MODEL = os.path.join(ROOT, "lessons", "examples", "lstm.model.json")


def measure(args, out, n=3):
    """Best of n: Graphviz's layout + SVG rendering as `rnnlab graph --timing` measures it
    in-process, and the SVG's size."""
    times = []
    for _ in range(n):
        done = subprocess.run([RNNLAB, "graph", *args, "--timing", "-o", out], check=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(float(done.stderr.split()[-1]))
    return min(times), os.path.getsize(out)


def main():
    if not os.path.exists(RNNLAB):
        raise SystemExit("build first: swift build -c release")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "g.svg")
        for T in (8, 16, 32, 64, 128, 256, 512):
            t, size = measure([MODEL, "--steps", str(T), "--gates", "--fold-above", "0"], out)
            rows.append((f"gate-level unrolled LSTM, T = {T}, not folded", t, size, "no"))
        rng = np.random.default_rng(0)
        for T in (1000, 10000):
            seq = os.path.join(tmp, f"seq{T}.json")
            with open(seq, "w") as f:
                json.dump({"x": rng.uniform(-1, 1, (T, 2)).tolist(), "loss": "mse_last", "targets": [0.5]}, f)
            for label, extra in (("gate-level", ["--gates"]), ("compact", []), ("gradient", ["--kind", "gradient"])):
                t, size = measure([MODEL, seq, *extra], out)
                rows.append((f"{label} unrolled LSTM, T = {T}, folded, with values", t, size, "yes"))
    print("| graph | layout + render (s) | SVG size (KiB) | what a lesson draws |")
    print("| --- | ---: | ---: | --- |")
    for name, t, size, lesson in rows:
        print(f"| {name} | {t:.3f} | {size / 1024:.0f} | {lesson} |")


if __name__ == "__main__":
    sys.exit(main())
