#!/usr/bin/env python3
"""rnnlab's orthogonal initialisation against numpy's QR on the same shapes, in one command.

    swift build -c release && python3 scripts/bench-init.py [--rounds N] [--rnnlab PATH]

For each cell (1024 RNN, 1024 LSTM, 2048 LSTM, 4096 RNN, 4096 LSTM; 4096 is the documented
maximum hidden size) it times `rnnlab bench --initialization` (Network.initialParameters: the
draws and the QR of the stacked G·H × H recurrent kernel, best of one run after a warm-up) and
numpy's `np.linalg.qr` with Keras's sign fix on a standard normal matrix of the same shape (QR
only, not the draws), alternating the two in each round, and prints numpy's time over rnnlab's.
rnnlab's CPU time (both threads) is printed too: on a shared machine it moves less than the
wall time. numpy uses its own BLAS threads (OpenBLAS: every core).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CELLS = [("rnn", 1024), ("lstm", 1024), ("lstm", 2048), ("rnn", 4096), ("lstm", 4096)]
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def rnnlab_time(rnnlab, cell, hidden):
    cmd = [rnnlab, "bench", "--initialization", "--cell", cell, "--hidden", str(hidden),
           "--input", "1", "--repeats", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr}")
    return json.loads(done.stdout)


def numpy_qr(rows, cols, seed):
    """Seconds for numpy's QR (with Keras's sign fix) of one standard normal matrix."""
    a = np.random.default_rng(seed).standard_normal((rows, cols))
    start = time.perf_counter()
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # Keras's fix: R's diagonal positive
    return time.perf_counter() - start


def numpy_time(rows, cols, seed):
    # In a process of its own: OpenBLAS's idle threads spin for a while after a product, and here
    # they would take the CPU from the rnnlab run that follows.
    done = subprocess.run([sys.executable, __file__, "--numpy", str(rows), str(cols), str(seed)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds; the best of each side is shown")
    parser.add_argument("--rnnlab", default=os.environ.get("RNNLAB", os.path.join(ROOT, ".build", "release", "rnnlab")),
                        help="the rnnlab binary (default: $RNNLAB or .build/release/rnnlab)")
    parser.add_argument("--numpy", nargs=3, type=int, metavar=("ROWS", "COLS", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.numpy:
        print(numpy_qr(*args.numpy))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'cell':>10} {'matrix':>13} {'rnnlab s':>9} {'cpu s':>7} {'numpy qr s':>10} {'numpy/rnnlab':>12}")
    kernels = None
    for cell, hidden in CELLS:
        rows = GATES[cell] * hidden
        ours, cpu, theirs = [], [], []
        for k in range(args.rounds):
            result = rnnlab_time(args.rnnlab, cell, hidden)
            kernels = f"{result['kernels']}, {result['threads']} threads"
            ours.append(result["min"])
            cpu.append(result["cpu_min"])
            theirs.append(numpy_time(rows, hidden, seed=k))
        print(f"{cell + ' ' + str(hidden):>10} {f'{rows}x{hidden}':>13} {min(ours):9.2f} {min(cpu):7.2f} "
              f"{min(theirs):10.2f} {min(theirs) / min(ours):11.1f}x", flush=True)
    print(f"rnnlab kernels: {kernels}; numpy {np.__version__}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
