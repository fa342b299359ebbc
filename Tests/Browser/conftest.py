"""Browser tests: a real Chromium (Debian's chromium + chromium-driver) driven by selenium from
pip, opening generated reports from file:// with no network."""
import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def random_lstm(rng, X, H, T):
    """A one-layer LSTM (MODEL.json weights, forget bias 1) and T inputs, both from `rng`, for
    tests that compare a page's numbers with `rnnlab trace`."""
    w = {}
    for g in "fico":
        w["W_x" + g] = [[round(rng.uniform(-0.8, 0.8), 3) for _ in range(X)] for _ in range(H)]
        w["W_h" + g] = [[round(rng.uniform(-0.8, 0.8), 3) for _ in range(H)] for _ in range(H)]
        w["b_" + g] = [1.0] * H if g == "f" else [0.0] * H
    w["W_hy"] = [[round(rng.uniform(-0.8, 0.8), 3) for _ in range(H)]]
    w["b_y"] = [0.1]
    xs = [[round(rng.uniform(-1, 1), 3) for _ in range(X)] for _ in range(T)]
    return w, xs


def write_step_lesson(tmp, model, xs, ts, title="Browser test"):
    """model.json, seq.json (mse_all) and a lesson.md that steps through that one sequence, as
    `rnnlab trace` reads the same two files."""
    import json
    (tmp / "model.json").write_text(json.dumps(model))
    (tmp / "seq.json").write_text(json.dumps({"x": xs, "loss": "mse_all", "targets": ts}))
    (tmp / "lesson.md").write_text(f"""---
title: {title}
language: en
seed: 1
---
```rnnlab
model: {{name: m, weights: model.json}}
data: {{name: d, task: inline, loss: mse_all, sequences: [{{x: {json.dumps(xs)}, targets: {json.dumps(ts)}}}]}}
step: {{}}
show: step_through
```
""")


def rnnlab_binary():
    for p in (os.environ.get("RNNLAB"), ROOT / ".build" / "debug" / "rnnlab", ROOT / ".build" / "release" / "rnnlab"):
        if p and pathlib.Path(p).exists():
            return str(p)
    pytest.fail("build rnnlab first (swift build)")


@pytest.fixture(scope="session")
def rnnlab():
    return rnnlab_binary()


@pytest.fixture(scope="session")
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600",
                "--disable-dev-shm-usage", "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    d = webdriver.Chrome(service=Service(driver_path), options=options)
    yield d
    d.quit()
