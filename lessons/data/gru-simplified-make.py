#!/usr/bin/env python3
"""Writes the running-sum-with-reset sequences of lesson 13 (the simplified GRU), generated for rnnlab.

No rights reserved (CC0): the numbers are synthetic, made by this script and nothing else.
Run it from anywhere; it rewrites the file beside it, byte for byte the same every time.

gru-simplified-reset-sum.yaml: 300 sequences of 10 steps. Each step is (u, r): a value u drawn
    uniformly from [0, 1) and rounded to 2 decimals, and a reset flag r, 1 with probability 1/4
    (never at step 1). The target, at the end, is half the sum of the values since the last reset,
    that reset's own value included (from step 1 when there was none):

        s_1 = u_1;  s_t = u_t if r_t = 1, else s_{t-1} + u_t;  target = s_10 / 2

    The lesson holds out the last 90 sequences (split: 0.3).
"""
import os
import random

T, COUNT = 10, 300
here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(13)

with open(os.path.join(here, "gru-simplified-reset-sum.yaml"), "w") as f:
    f.write("# Written for rnnlab by gru-simplified-make.py (no rights reserved, CC0).\n")
    f.write("# Each step (value, reset); target: half the sum of the values since the last reset.\n")
    f.write("sequences:\n")
    for _ in range(COUNT):
        steps, s = [], 0.0
        for t in range(T):
            r = 1 if t > 0 and rng.random() < 0.25 else 0
            u = round(rng.random(), 2)
            s = u if r or t == 0 else s + u
            steps.append(f"[{u},{r}]")
        f.write(f"- {{x: [{','.join(steps)}], targets: {s / 2:.4f}}}\n")
