#!/usr/bin/env python3
"""Keras's own outputs for rnnlab's feed-forward models (model: {kind: feedforward}).

Each case builds the Keras model a lesson would show beside the rnnlab cell, with random
weights, and records what Keras predicts (the last Dense layer's output, before any softmax)
for a few sequences. Nothing here repeats rnnlab's code: the numbers are Keras's layers
(Embedding, Flatten, GlobalAveragePooling1D, Conv1D, Dense) on the JAX backend in float64. The
weights are written in rnnlab's layout (MODEL.json style: W_l is out x in, the transpose of a
Keras kernel; a Conv1D kernel (W, n, H) is W_1[h][k*n + m] = kernel[k][m][h]), so that
Tests/RNNCoreTests/FeedForwardReferenceTests.swift can run rnnlab on the same numbers.

The cases check what the lessons say:
  window     Input((W, n)) -> Flatten -> Dense: rnnlab's u_t = [x_{t-W+1}; ...; x_t]; a sequence
             shorter than W is given to Keras zero-padded in front and to rnnlab as it is
  sliding    Conv1D(H, W, padding="causal") -> Dense: rnnlab's window at every step (xent_all)
  pooling    Embedding -> GlobalAveragePooling1D -> Dense(relu) -> Dense, as in course notes 01

  python3 -m venv /tmp/keras-venv && /tmp/keras-venv/bin/pip install keras jax
  KERAS_BACKEND=jax /tmp/keras-venv/bin/python Tests/Reference/make_feedforward.py
It rewrites Tests/RNNCoreTests/Fixtures/feedforward/*.json.

Precision: Keras 3.15 on JAX returns these models' outputs as float32 even with floatx and the
dtype policy at float64 (its activations and the Embedding path compute in float32; measured:
Dense(tanh) off by 4e-8, Embedding + GlobalAveragePooling1D by 6e-10, a linear Dense exact), so
the test holds rnnlab to Keras within float32 rounding. A wrong window order, padding side or
kernel mapping is off by the size of the outputs themselves.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_ENABLE_X64", "1")  # float64 throughout, not float32

import numpy as np

import keras
from keras import layers

keras.config.set_floatx("float64")
keras.config.set_dtype_policy("float64")

OUT = os.path.join(os.path.dirname(__file__), "..", "RNNCoreTests", "Fixtures", "feedforward")


def randomize(model, rng, scale):
    model.set_weights([scale * rng.standard_normal(w.shape) for w in model.get_weights()])


def dense_weights(model, first_index):
    """rnnlab's W_l, b_l, ..., W_y, b_y from the model's Dense layers (kernels transposed)."""
    dense = [l for l in model.layers if isinstance(l, layers.Dense)]
    out = {}
    for k, layer in enumerate(dense):
        kernel, bias = layer.get_weights()
        name = "y" if k == len(dense) - 1 else str(first_index + k)
        out["W_" + name] = kernel.T.tolist()
        out["b_" + name] = bias.tolist()
    return out


def window_case(name, W, n, hidden, out, activation, lengths, seed, vocab=None, size=None):
    rng = np.random.default_rng(seed)
    stack = [keras.Input((W,), dtype="int32") if vocab else keras.Input((W, n))]
    if vocab:
        stack.append(layers.Embedding(vocab, size))
    stack.append(layers.Flatten())
    stack += [layers.Dense(h, activation=activation) for h in hidden]
    stack.append(layers.Dense(out))
    model = keras.Sequential(stack)
    randomize(model, rng, 0.5)
    weights = {}
    if vocab:
        weights["E"] = model.layers[0].get_weights()[0].tolist()
    weights.update(dense_weights(model, 1))
    sequences = []
    for T in lengths:
        if vocab:
            ids = rng.integers(0, vocab, T)
            # Keras's window: the last W tokens; before the first, rows of zeros, which an
            # Embedding cannot make, so the padded positions are embedded as zero vectors by hand.
            emb = model.layers[0].get_weights()[0]
            x = np.zeros((W, size))
            last = ids[-W:]
            x[W - len(last):] = emb[last]
            rest = keras.Sequential([keras.Input((W, size))] + model.layers[1:])
            y = np.asarray(rest.predict(x[None], verbose=0))[0]
            sequences.append({"tokens": ids.tolist(), "y": y.tolist()})
        else:
            xs = rng.uniform(-1, 1, (T, n))
            padded = np.zeros((W, n))
            last = xs[-W:]
            padded[W - len(last):] = last
            y = np.asarray(model.predict(padded[None], verbose=0))[0]
            sequences.append({"x": xs.tolist(), "y": y.tolist()})
    spec = {"reader": "window", "window": W, "input_size": size if vocab else n, "hidden_sizes": hidden,
            "activation": activation, "output_size": out, "loss": "mse_last"}
    if vocab:
        spec["vocab_size"] = vocab
    return name, spec, weights, sequences


def sliding_case(name, W, n, hidden, out, activation, T, seed):
    rng = np.random.default_rng(seed)
    stack = [keras.Input((None, n)), layers.Conv1D(hidden[0], W, padding="causal", activation=activation)]
    stack += [layers.Dense(h, activation=activation) for h in hidden[1:]]
    stack.append(layers.Dense(out))
    model = keras.Sequential(stack)
    randomize(model, rng, 0.5)
    kernel, bias = model.layers[0].get_weights()  # (W, n, H)
    weights = {"W_1": [[float(kernel[k, m, h]) for k in range(W) for m in range(n)] for h in range(hidden[0])],
               "b_1": bias.tolist()}
    weights.update(dense_weights(model, 2))
    xs = rng.uniform(-1, 1, (T, n))
    y = np.asarray(model.predict(xs[None], verbose=0))[0]  # (T, out)
    spec = {"reader": "window", "window": W, "input_size": n, "hidden_sizes": hidden, "activation": activation,
            "output_size": out, "loss": "xent_all"}
    return name, spec, weights, [{"x": xs.tolist(), "y": y.reshape(-1).tolist()}]


def pooling_case(name, vocab, size, hidden, out, lengths, seed):
    rng = np.random.default_rng(seed)
    stack = [keras.Input((None,), dtype="int32"), layers.Embedding(vocab, size), layers.GlobalAveragePooling1D()]
    for h in hidden:
        stack += [layers.Dense(h), layers.Activation("relu")]
    stack.append(layers.Dense(out))
    model = keras.Sequential(stack)
    randomize(model, rng, 0.5)
    weights = {"E": model.layers[0].get_weights()[0].tolist()}
    weights.update(dense_weights(model, 1))
    sequences = []
    for T in lengths:
        ids = rng.integers(0, vocab, T)
        y = np.asarray(model.predict(ids[None], verbose=0))[0]
        sequences.append({"tokens": ids.tolist(), "y": y.tolist()})
    spec = {"reader": "pooling", "input_size": size, "vocab_size": vocab, "hidden_sizes": hidden,
            "activation": "relu", "output_size": out, "loss": "xent_last"}
    return name, spec, weights, sequences


CASES = [
    window_case("window_tanh", 4, 2, [5], 3, "tanh", [4, 2, 7], 31),
    window_case("window_relu_two_layers", 6, 3, [7, 4], 2, "relu", [6, 9, 1], 32),
    window_case("window_linear_no_hidden", 3, 2, [], 3, "linear", [3, 5], 33),
    window_case("window_embedding", 3, None, [6], 5, "tanh", [3, 8, 2], 34, vocab=10, size=4),
    sliding_case("sliding_conv1d", 3, 2, [6, 4], 5, "tanh", 9, 35),
    pooling_case("pooling_notes_example", 12, 5, [7], 4, [1, 4, 9], 36),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, spec, weights, sequences in CASES:
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump({"keras": keras.__version__, "spec": spec, "weights": weights, "sequences": sequences}, f, indent=1)
            f.write("\n")
        print("wrote", name, file=sys.stderr)


if __name__ == "__main__":
    main()
