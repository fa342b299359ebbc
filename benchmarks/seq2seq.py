#!/usr/bin/env python3
"""How long the encoder-decoder toy task takes to train, and how well it does, in one command.

    swift build -c release && python3 benchmarks/seq2seq.py [--rounds 3]

Runs `rnnlab bench --seq2seq reverse` (and `sort`) with the sizes below: an LSTM encoder and an
LSTM decoder, both of HIDDEN units with EMBEDDING-wide embeddings, trained on TRAIN distinct digit
strings of 3-5 digits for EPOCHS epochs (Adam 0.01, batches of 32); 500 held-out strings of those
lengths and 200 of 6 digits are decoded greedily. Prints, per task, the training time of each
round (the median is the number to quote: the shared machine's speed drifts), pairs per second,
and the held-out exact-match accuracy by length. The trained parameters' digest must be the same
in every round (training is deterministic).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNNLAB = os.environ.get("RNNLAB", os.path.join(ROOT, ".build", "release", "rnnlab"))
HIDDEN, EMBEDDING, TRAIN, EPOCHS = 48, 16, 4000, 12


def run(task, cell):
    args = [RNNLAB, "bench", "--seq2seq", task, "--cell", cell, "--hidden", str(HIDDEN),
            "--input", str(EMBEDDING), "--sequences", str(TRAIN), "--epochs", str(EPOCHS)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cell", default="lstm")
    options = parser.parse_args()
    if not os.path.exists(RNNLAB):
        sys.exit(f"build rnnlab first (swift build -c release), or set RNNLAB: {RNNLAB} is missing")
    for task in ("reverse", "sort"):
        results = [run(task, options.cell) for _ in range(options.rounds)]
        digests = {r["digest"] for r in results}
        seconds = [r["seconds"] for r in results]
        r = results[0]
        by_length = ", ".join(f"{n} digits {100 * a:.1f}%" for n, a in r["accuracy_by_length"].items())
        print(f"{task:8s} {options.cell} {HIDDEN}/{EMBEDDING}, {r['parameters']} parameters, "
              f"{r['training_pairs']} pairs x {EPOCHS} epochs: "
              f"{statistics.median(seconds):.2f} s median of {', '.join(f'{s:.2f}' for s in seconds)} "
              f"({r['pairs_per_second']} pairs/s); held out: {by_length}"
              f"{'' if len(digests) == 1 else '  DIGESTS DIFFER: ' + str(digests)}")


if __name__ == "__main__":
    main()
