#!/usr/bin/env python3
"""Writes the sentences of lesson 04 (parameter sharing), written for rnnlab.

No rights reserved (CC0): the words and sentences were made up for rnnlab by this script.
Run it from anywhere; it rewrites the files beside it, byte for byte the same every time.

Every sentence has 8 words and says when someone travelled somewhere, in one of three orders
(the course notes' "I went to Nepal in 2009" / "In 2009, I went to Nepal", without the comma):

    A  [opener] i went to nepal in 2009 [. .]     the year is word 6, 7 or 8
    B  [opener] in 2009 i went to nepal [. .]     the year is word 2, 3 or 4
    C  [opener] i went in 2009 to nepal [. .]     the year is word 4, 5 or 6

An opener of 0, 1 or 2 words ("so", "as planned", ...) moves the year along; full stops fill the
sentence up to 8 words. The class to predict is the year (2009, 2012, 2015 or 2018: classes 0-3).

Each word is read as one of six kinds, one-hot in this order: any other word, "in", 2009, 2012,
2015, 2018. (The other words carry nothing about the year, and a file of full one-hot words
would take rnnlab's inline reader too long to read for a lesson that must run in a quarter of a
second; every sentence is written out in full in the comment above its vectors.)

parameter-sharing.yaml: 120 training sentences with the year at words 2, 4, 5, 7 and 8, then
    48 held-out sentences with the year at words 3 and 6, where no training sentence has a
    year (the lesson's split holds out the last 48).
"""
import itertools
import os
import random

OPENERS = {0: [[]], 1: [["so"], ["well"], ["yes"]], 2: [["as", "planned"], ["you", "know"]]}
SUBJECTS = ["i", "we", "she", "they"]
VERBS = ["went", "flew", "moved"]
PLACES = ["nepal", "peru", "chile", "japan"]
YEARS = ["2009", "2012", "2015", "2018"]
LENGTH = 8
TRAIN, HELD_OUT = 120, 48
KINDS = ["in"] + YEARS   # every other word is kind 0
TRAINED_POSITIONS, NEW_POSITIONS = [2, 4, 5, 7, 8], [3, 6]

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2009)


def sentence(form, opener, subject, verb, place, year):
    core = {"A": [subject, verb, "to", place, "in", year],
            "B": ["in", year, subject, verb, "to", place],
            "C": [subject, verb, "in", year, "to", place]}[form]
    words = opener + core
    return words + ["."] * (LENGTH - len(words))


by_position = {p: [] for p in range(1, LENGTH + 1)}
for form, size in itertools.product("ABC", OPENERS):
    for opener, s, v, p, y in itertools.product(OPENERS[size], SUBJECTS, VERBS, PLACES, YEARS):
        words = sentence(form, opener, s, v, p, y)
        by_position[words.index(y) + 1].append(words)


def draw(positions, count):
    """count sentences spread evenly over the positions, none drawn twice."""
    pools = [rng.sample(by_position[p], len(by_position[p])) for p in positions]
    return [pools[k % len(pools)].pop() for k in range(count)]


train = draw(TRAINED_POSITIONS, TRAIN)
held_out = draw(NEW_POSITIONS, HELD_OUT)

with open(os.path.join(here, "parameter-sharing.yaml"), "w") as f:
    f.write("# Written for rnnlab by parameter-sharing-make.py (no rights reserved, CC0).\n")
    f.write(f"# {TRAIN} training sentences (the year at words {TRAINED_POSITIONS}), then {HELD_OUT} held out\n")
    f.write(f"# (the year at words {NEW_POSITIONS}, never in training).\n")
    f.write("# Each word as one of six kinds, one-hot: other, in, 2009, 2012, 2015, 2018.\n")
    f.write("# Classes: " + ", ".join(f"{k} = {y}" for k, y in enumerate(YEARS)) + "\n")
    f.write("sequences:\n")
    for words in train + held_out:
        f.write("# " + " ".join(words) + "\n")
        kinds = [KINDS.index(w) + 1 if w in KINDS else 0 for w in words]
        rows = ",".join("[" + ",".join("1" if k == j else "0" for j in range(6)) + "]" for k in kinds)
        year = next(w for w in words if w in YEARS)
        f.write(f"- {{x: [{rows}], targets: [{YEARS.index(year)}]}}\n")

print({p: len(v) for p, v in by_position.items()})
