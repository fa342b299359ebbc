#!/usr/bin/env python3
"""Keras's own parameter counts for the feed-forward models rnnlab builds (model: {kind: feedforward}).

Each case is the Keras model a lesson would show beside the rnnlab cell; the counts it prints are
the numbers Tests/RNNCoreTests/FeedForwardTests.swift (kerasParameterCounts) checks rnnlab's
layout against. Last run with Keras 3.15.1 on the JAX backend:

  python3 -m venv /tmp/keras-venv && /tmp/keras-venv/bin/pip install keras jax
  KERAS_BACKEND=jax /tmp/keras-venv/bin/python Tests/Reference/keras_feedforward_counts.py
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras
from keras import layers


def window(W, n, hidden, out, activation="tanh"):
    """A window baseline: the last W steps of n inputs, flattened, dense layers, the output."""
    stack = [keras.Input((W, n)), layers.Flatten()]
    stack += [layers.Dense(h, activation=activation) for h in hidden]
    return keras.Sequential(stack + [layers.Dense(out)])


def embedded_window(W, vocab, size, hidden, out):
    stack = [keras.Input((W,), dtype="int32"), layers.Embedding(vocab, size), layers.Flatten()]
    stack += [layers.Dense(h, activation="tanh") for h in hidden]
    return keras.Sequential(stack + [layers.Dense(out)])


def notes_embedding():
    """Course notes 01, "Embedding code", with an input of any length."""
    return keras.Sequential([
        keras.Input((None,), dtype="int32"),
        layers.Embedding(input_dim=256, output_dim=128),
        layers.GlobalAveragePooling1D(),
        layers.Dense(128),
        layers.Activation("relu"),
        layers.Dense(10),
        layers.Activation("softmax"),
    ])


CASES = [
    ("window W=1 n=1 H=32 out=1", window(1, 1, [32], 1)),
    ("window W=5 n=1 H=32 out=1", window(5, 1, [32], 1)),
    ("window W=10 n=1 H=32 out=1", window(10, 1, [32], 1)),
    ("window W=20 n=1 H=32 out=1", window(20, 1, [32], 1)),
    ("window W=10 n=8 H=16 out=4", window(10, 8, [16], 4)),
    ("window W=6 n=3 H=[8,5] out=2 relu", window(6, 3, [8, 5], 2, "relu")),
    ("window W=4 n=2 H=[] out=3", window(4, 2, [], 3)),
    ("embedded window W=5 V=30 D=8 H=16 out=30", embedded_window(5, 30, 8, [16], 30)),
    ("notes Embedding example", notes_embedding()),
]

if __name__ == "__main__":
    print("keras", keras.__version__, "backend", keras.backend.backend())
    for name, model in CASES:
        print(f"{name}: {model.count_params()}")
