#!/usr/bin/env python3
"""The course's Keras example against the same training inside `rnnlab run`, report included.

    swift build -c release && python3 benchmarks/keras_example.py

Model: input (7, 5) → LSTM(15) → Dense(1), MSE, Adam(learning_rate=0.01); 256 sequences,
50 epochs, batch 32 (benchmarks/lessons/keras-example.md is the rnnlab side). Keras runs in a
child process on its JAX backend (`pip install keras jax`); wall time and peak memory (GNU
time) of each whole process are reported. Target (issue 4): rnnlab under 0.35 s and 40 MiB.
"""
import os
os.environ.setdefault("KERAS_BACKEND", "jax")
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNNLAB = os.path.join(ROOT, ".build", "release", "rnnlab")
LESSON = os.path.join(ROOT, "benchmarks", "lessons", "keras-example.md")

KERAS = r'''
import os
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np, keras
rng = np.random.default_rng(1)
# the same task as rnnlab's last_value: x_t holds 5 consecutive values a + d k, predict the next
a = rng.uniform(0, 1, (256, 1)); d = rng.uniform(-0.1, 0.1, (256, 1))
k = np.arange(35)[None, :]
x = (a + d * k).reshape(256, 7, 5); y = a + d * 35
model = keras.Sequential([keras.Input((7, 5)), keras.layers.LSTM(15), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
model.fit(x, y, epochs=50, batch_size=32, verbose=0)
'''


def measure(cmd):
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed: {done.stderr[-2000:]}")
        return elapsed, int(rss.read().split()[-1]) / 1024


def main():
    if not os.path.exists(RNNLAB):
        raise SystemExit("build first: swift build -c release")
    with tempfile.TemporaryDirectory() as out:
        runs = [measure([RNNLAB, "run", LESSON, "-o", out, "-q"]) for _ in range(5)]
    t_r, m_r = min(r[0] for r in runs), max(r[1] for r in runs)
    print(f"rnnlab run (train + report): {t_r:.3f} s, {m_r:.0f} MiB   target < 0.35 s, < 40 MiB: "
          f"{'met' if t_r < 0.35 and m_r < 40 else 'NOT MET'}")
    try:
        import keras  # noqa: F401
    except ImportError:
        print("keras is not installed (pip install keras jax): Keras side skipped")
        return 0 if t_r < 0.35 and m_r < 40 else 1
    t_k, m_k = measure([sys.executable, "-c", KERAS])
    print(f"Keras {keras.__version__} (JAX backend, whole process): {t_k:.3f} s, {m_k:.0f} MiB")
    print(f"ratio: {t_k / t_r:.1f}x faster, {m_k / m_r:.1f}x less memory")
    return 0 if t_r < 0.35 and m_r < 40 else 1


if __name__ == "__main__":
    sys.exit(main())
