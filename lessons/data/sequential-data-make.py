#!/usr/bin/env python3
"""Writes the two greenhouse files of lesson 01 (sequential data), generated for rnnlab.

No rights reserved (CC0): the numbers are synthetic, made by this script and nothing else.
Run it from anywhere; it rewrites the files beside it, byte for byte the same every time.

sequential-data-readings.csv: a temporal sequence. A greenhouse logger that stores a reading
    only when the temperature has moved by at least 0.25 degrees since the last stored one, or
    when two hours have passed without a stored one ("deadband" logging). The true temperature
    is a daily cycle (warmest near 15:00), a slow day-to-day drift and a little sensor noise,
    evaluated every minute for 14 days; at night the heating holds it at 15 degrees. The readings therefore come at
    irregular times: close together while it warms up or cools down, hours apart when it is flat.
    Columns: minute (since midnight of day 1), temperature (degrees Celsius, 2 decimals).

sequential-data-hourly.csv: the same log resampled to a time series, one value per full hour
    from hour 0 to hour 14*24 - 1. The value at hour h is the straight line between the last
    reading at or before minute 60h and the first reading after it, read at minute 60h (linear
    interpolation); hour 0 is the first reading itself. Columns: hour, temperature.
"""
import math
import os
import random

DAYS = 14
DEADBAND = 0.25     # degrees: a reading is stored when the value has moved this much
LONGEST_GAP = 120   # minutes: ...or when this long has passed without a reading
HEATED_TO = 15.0    # degrees: the heating keeps the greenhouse at least this warm

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2009)

# The day-to-day drift: one random level per day, joined smoothly (cosine) over each day.
levels = [18.0]
for _ in range(DAYS):
    levels.append(0.7 * levels[-1] + 0.3 * 18.0 + rng.gauss(0, 1.2))


def truth(minute):
    day, into = divmod(minute, 24 * 60)
    w = (1 - math.cos(math.pi * into / (24 * 60))) / 2
    level = (1 - w) * levels[day] + w * levels[day + 1]
    free = level + 7.0 * math.sin(2 * math.pi * (minute / 60 - 9) / 24)
    return max(HEATED_TO, free)    # the heating holds the nights at HEATED_TO


readings = []
for minute in range(DAYS * 24 * 60):
    value = truth(minute) + rng.gauss(0, 0.03)
    if (not readings or abs(value - readings[-1][1]) >= DEADBAND
            or minute - readings[-1][0] >= LONGEST_GAP):
        readings.append((minute, round(value, 2)))

with open(os.path.join(here, "sequential-data-readings.csv"), "w") as f:
    f.write("minute,temperature\n")
    for minute, value in readings:
        f.write(f"{minute},{value:.2f}\n")

hourly = []
k = 0
for hour in range(DAYS * 24):
    m = 60 * hour
    while k + 1 < len(readings) and readings[k + 1][0] <= m:
        k += 1
    (m0, v0) = readings[k]
    if m0 == m or k + 1 == len(readings):
        hourly.append(v0)
    else:
        (m1, v1) = readings[k + 1]
        hourly.append(v0 + (v1 - v0) * (m - m0) / (m1 - m0))

with open(os.path.join(here, "sequential-data-hourly.csv"), "w") as f:
    f.write("hour,temperature\n")
    for hour, value in enumerate(hourly):
        f.write(f"{hour},{value:.2f}\n")

gaps = [b[0] - a[0] for a, b in zip(readings, readings[1:])]
print(f"{len(readings)} readings, gaps {min(gaps)}-{max(gaps)} min; {len(hourly)} hourly values")
