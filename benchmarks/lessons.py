#!/usr/bin/env python3
"""How long the lessons take: the whole `rnnlab run lessons`, and every `compare` in them.

    swift build -c release && python3 benchmarks/lessons.py [ROUNDS]

Runs the release binary over lessons/ ROUNDS times (default 3) into a temporary folder, then once
with the training cache off (RNNLAB_TRAINING_CACHE=0) as the reference, and
reports, per round, the whole run's wall time and each lesson's own time and each comparison's
time as the lessons' timings.json record them (the reports themselves leave times out so that
their bytes do not change). Targets (issue 9): the long-lag comparison of lesson 04 (3 cell
kinds × at least 5 seeds, held-out evaluation) under 10 s; issue 14: the whole curriculum, both languages, under 10 s.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNNLAB = os.path.join(ROOT, ".build", "release", "rnnlab")


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    if not os.path.exists(RNNLAB):
        raise SystemExit("build first: swift build -c release")
    walls, compares = [], {}
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            done = subprocess.run([RNNLAB, "run", os.path.join(ROOT, "lessons"), "-o", out, "-q"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            wall = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"rnnlab run lessons failed:\n{done.stderr[-3000:]}")
            walls.append(wall)
            print(f"round {r + 1}: whole run {wall:.2f} s")
            for lesson in sorted(os.listdir(out)):
                path = os.path.join(out, lesson, "timings.json")
                if not os.path.exists(path):
                    continue
                with open(path) as f:
                    timings = json.load(f)
                parts = [f"{k} {v:.2f} s" for k, v in timings.items() if k == "lesson" or k.count(".") == 0]
                print(f"  {lesson}: " + ", ".join(parts))
                for k, v in timings.items():
                    if k != "lesson" and "." not in k:
                        compares.setdefault(f"{lesson}: {k}", []).append(v)
    # The reference in the same command: one run with the training cache off, where every
    # Korean lesson trains again what its English lesson trained.
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        done = subprocess.run([RNNLAB, "run", os.path.join(ROOT, "lessons"), "-o", out, "-q"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, RNNLAB_TRAINING_CACHE="0"))
        uncached = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"rnnlab run lessons (RNNLAB_TRAINING_CACHE=0) failed:\n{done.stderr[-3000:]}")
    best = sorted(walls)[len(walls) // 2]
    print(f"reference: the same run with RNNLAB_TRAINING_CACHE=0 (every Korean lesson trains again): "
          f"{uncached:.2f} s, {uncached / best:.2f} times the cached median")
    print(f"\nwhole `rnnlab run lessons`, median of {rounds}: {best:.2f} s   target < 10 s (issue 14): "
          f"{'met' if best < 10 else 'NOT MET'}")
    for name, ts in sorted(compares.items()):
        m = sorted(ts)[len(ts) // 2]
        print(f"{name}: median {m:.2f} s")


if __name__ == "__main__":
    main()
