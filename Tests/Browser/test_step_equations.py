"""The step-through's equation in Chromium: MathML whose numbers are filled for a forward and a
backward step, for every cell, checked against sums computed here from the weights and from
`rnnlab trace` (an independent reading of the same record)."""
import json
import math
import random
import subprocess

import pytest

from conftest import write_step_lesson
from selenium.webdriver.common.by import By

X, H, Y, T = 2, 3, 1, 5
UNIT = 1  # 0-based; the page calls it unit 2


def random_model(rng, cell, **options):
    """MODEL.json weights for one layer of `cell`, every entry (peepholes and biases too) random."""
    def matrix(rows, cols):
        return [[round(rng.uniform(-0.8, 0.8), 3) for _ in range(cols)] for _ in range(rows)]

    def vector(n):
        return [round(rng.uniform(-0.5, 0.5), 3) for _ in range(n)]

    keys = {"rnn": "h", "lstm": "fico", "gru": "zh" if options.get("gru_variant") == "simplified" else "zrh"}[cell]
    w = {}
    for g in keys:
        w["W_x" + g], w["W_h" + g], w["b_" + g] = matrix(H, X), matrix(H, H), vector(H)
    if options.get("peephole"):
        for g in "fio":
            w["p_" + g] = vector(H)
    if options.get("gru_variant") == "reset_after":
        for g in "zrh":
            w["b_h" + g] = vector(H)
    w["W_hy"], w["b_y"] = matrix(Y, H), vector(Y)
    return {"cell": cell, "input_size": X, "hidden_size": H, "output_size": Y, "weights": w, **options}


VARIANTS = {
    "rnn": ("rnn", {}),
    "lstm_peephole": ("lstm", {"peephole": True}),
    "gru_lecture": ("gru", {"gru_variant": "lecture"}),
    "gru_reset_after": ("gru", {"gru_variant": "reset_after"}),
    "gru_simplified": ("gru", {"gru_variant": "simplified"}),
}


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def page(request, tmp_path_factory, rnnlab):
    cell, options = VARIANTS[request.param]
    tmp = tmp_path_factory.mktemp(request.param)
    rng = random.Random(11)
    model = random_model(rng, cell, **options)
    xs = [[round(rng.uniform(-1, 1), 3) for _ in range(X)] for _ in range(T)]
    ts = [[round(rng.uniform(-1, 1), 3)] for _ in range(T)]
    write_step_lesson(tmp, model, xs, ts, title="Equations")
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    subprocess.run([rnnlab, "trace", "model.json", "seq.json", "-o", "trace.json"], cwd=tmp, check=True)
    trace = json.loads((tmp / "trace.json").read_text())
    url = (tmp / "out" / "lesson" / "index.html").resolve().as_uri()
    return {"cell": cell, "options": options, "model": model, "x": xs, "targets": ts, "trace": trace, "url": url}


def slots(driver, url, position):
    """Open the step-through at `position` (f3, b2) on unit 2 and read the equation's slots."""
    driver.get("about:blank")
    driver.get(url + "#st-01=" + position)
    root = driver.find_element(By.CSS_SELECTOR, ".stepthrough")
    driver.execute_script("var s = arguments[0].querySelector('[data-act=unit]'); s.value = arguments[1];"
                          "s.dispatchEvent(new Event('change'));", root, str(UNIT))
    assert driver.find_elements(By.CSS_SELECTOR, ".st-equation math"), "the equation is MathML"
    pairs = driver.execute_script("return Array.from(document.querySelectorAll('.st-equation [data-slot]'))"
                                  ".map(function (e) { return [e.getAttribute('data-slot'), e.textContent]; })")
    assert pairs, "the equation has numbers"
    out = {}
    for name, text in pairs:
        assert text.strip() and "NaN" not in text, (name, text)
        out[name] = float(text.strip("()").replace("−", "-").replace("∞", "inf"))
    # the glyphs are drawn: the equation has a size on the page
    box = driver.execute_script("var r = document.querySelector('.st-equation math').getBoundingClientRect(); return [r.width, r.height];")
    assert box[0] > 100 and box[1] > 20, box
    return out


def close(shown, exact, scale=None):  # 4 significant digits
    return abs(shown - exact) <= 6e-4 * (scale if scale is not None else abs(exact)) + 1e-12


def dot(row, v):
    return sum(a * b for a, b in zip(row, v))


def test_forward_equation_has_the_terms_of_each_pre_activation(driver, page):
    t, j = 3, UNIT
    shown = slots(driver, page["url"], f"f{t}")
    assert shown["t"] == t and shown["t-1"] == t - 1 and shown["j"] == j + 1
    w, x, fwd = page["model"]["weights"], page["x"][t - 1], page["trace"]["forward"]
    h_prev = fwd[t - 2]["h"]
    gates = fwd[t - 1].get("gates", {})
    simplified = page["options"].get("gru_variant") == "simplified"
    keys = {"rnn": "h", "lstm": "fico", "gru": "zh" if simplified else "zrh"}[page["cell"]]
    for key in keys:
        assert close(shown[f"x.{key}"], dot(w["W_x" + key][j], x)), key
        if page["cell"] == "gru" and key == "h" and page["options"]["gru_variant"] == "lecture":
            q = [r * hp for r, hp in zip(gates["r"], h_prev)]  # the candidate reads r_t ⊙ h_{t-1}
            assert close(shown["h.h"], dot(w["W_hh"][j], q))
        else:
            assert close(shown[f"h.{key}"], dot(w["W_h" + key][j], h_prev)), key
        assert close(shown[f"b.{key}"], w["b_" + key][j])
    if page["cell"] == "rnn":
        a = dot(w["W_xh"][j], x) + dot(w["W_hh"][j], h_prev) + w["b_h"][j]
        assert close(shown["a"], a) and close(shown["h"], math.tanh(a)) and close(shown["h"], fwd[t - 1]["h"][j])
    if page["cell"] == "lstm":
        c_prev = fwd[t - 2]["c"][j]
        for key in "fio":
            assert close(shown[f"p.{key}"], w["p_" + key][j] * c_prev)
        a_f = dot(w["W_xf"][j], x) + dot(w["W_hf"][j], h_prev) + w["b_f"][j] + w["p_f"][j] * c_prev
        assert close(shown["a.f"], a_f) and close(shown["g.f"], 1 / (1 + math.exp(-a_f)))
        assert close(shown["c"], fwd[t - 1]["c"][j]) and close(shown["h"], fwd[t - 1]["h"][j])
    if page["cell"] == "gru":
        # gate values are shown with three decimals (fixed, as bounded values are): absolute tolerance
        assert close(shown["h"], fwd[t - 1]["h"][j]) and close(shown["g.h"], gates["h_tilde"][j], scale=1)


def recurrence(page, t, j):
    """dL/dh_t[j]'s part through step t + 1, derived here by hand from the trace's values: the
    pre-activation derivatives of step t + 1, then Σ_k W[k][j] da[k]."""
    w, tr, cell = page["model"]["weights"], page["trace"], page["cell"]
    s = t + 1
    now, dh_s = tr["forward"][s - 1], tr["backward"][s]["dh"]
    h_prev = tr["forward"][t - 1]["h"] if t > 0 else [0.0] * H
    col = lambda name, v: sum(w[name][k][j] * v[k] for k in range(H))
    if cell == "rnn":
        return col("W_hh", [dh_s[k] * (1 - now["h"][k] ** 2) for k in range(H)])
    g = now["gates"]
    if cell == "lstm":
        dc_s, c_prev = tr["backward"][s]["dc"], tr["forward"][t - 1]["c"] if t > 0 else [0.0] * H
        da = {"f": [dc_s[k] * c_prev[k] * g["f"][k] * (1 - g["f"][k]) for k in range(H)],
              "i": [dc_s[k] * g["c_tilde"][k] * g["i"][k] * (1 - g["i"][k]) for k in range(H)],
              "c": [dc_s[k] * g["i"][k] * (1 - g["c_tilde"][k] ** 2) for k in range(H)],
              "o": [dh_s[k] * math.tanh(now["c"][k]) * g["o"][k] * (1 - g["o"][k]) for k in range(H)]}
        return sum(col("W_h" + key, da[key]) for key in "fico")
    if page["options"]["gru_variant"] == "simplified":
        # h_{t+1} = z h~ + (1 - z) h_t, both gates reading h_t itself (no reset gate)
        z, ht = g["z"], g["h_tilde"]
        da_h = [dh_s[k] * z[k] * (1 - ht[k] ** 2) for k in range(H)]
        da_z = [dh_s[k] * (ht[k] - h_prev[k]) * z[k] * (1 - z[k]) for k in range(H)]
        return col("W_hz", da_z) + col("W_hh", da_h)
    z, r, ht = g["z"], g["r"], g["h_tilde"]
    if page["options"]["gru_variant"] == "reset_after":
        da_h = [dh_s[k] * (1 - z[k]) * (1 - ht[k] ** 2) for k in range(H)]
        da_z = [dh_s[k] * (h_prev[k] - ht[k]) * z[k] * (1 - z[k]) for k in range(H)]
        n = [dot(w["W_hh"][k], h_prev) + w["b_hh"][k] for k in range(H)]
        da_r = [da_h[k] * n[k] * r[k] * (1 - r[k]) for k in range(H)]
        return col("W_hz", da_z) + col("W_hr", da_r) + col("W_hh", [da_h[k] * r[k] for k in range(H)])
    da_h = [dh_s[k] * z[k] * (1 - ht[k] ** 2) for k in range(H)]
    da_z = [dh_s[k] * (ht[k] - h_prev[k]) * z[k] * (1 - z[k]) for k in range(H)]
    dq = [sum(w["W_hh"][k][m] * da_h[k] for k in range(H)) for m in range(H)]  # through r_t ⊙ h_{t-1}
    da_r = [dq[m] * h_prev[m] * r[m] * (1 - r[m]) for m in range(H)]
    return col("W_hz", da_z) + col("W_hr", da_r) + r[j] * dq[j]


def test_backward_equation_adds_up_to_the_traces_gradient(driver, page):
    t, j = 2, UNIT
    shown = slots(driver, page["url"], f"b{t}")
    w, tr = page["model"]["weights"], page["trace"]
    dh = tr["backward"][t]["dh"][j]
    # The part from the output at t: mse over all T steps, dL/dy_t = 2 (y_t − d_t) / T.
    dy = 2 * (tr["forward"][t - 1]["y"][0] - page["targets"][t - 1][0]) / T
    assert close(shown["e"], w["W_hy"][0][j] * dy)
    assert close(shown["rho"], recurrence(page, t, j))
    terms = [shown["e"], shown["rho"]] + ([shown["dir"]] if page["cell"] == "gru" else [])
    assert close(sum(terms), dh, scale=sum(abs(v) for v in terms)) and close(shown["dh"], dh)
    if page["cell"] == "gru":
        z_next = tr["forward"][t]["gates"]["z"][j]
        keep = z_next if page["options"]["gru_variant"] == "reset_after" else 1 - z_next
        assert close(shown["dir"], tr["backward"][t + 1]["dh"][j] * keep)
    if page["cell"] == "lstm":
        nxt, now = tr["forward"][t], tr["forward"][t - 1]
        dc_next = tr["backward"][t + 1]["dc"][j]
        assert close(shown["dc.f"], dc_next * nxt["gates"]["f"][j])
        assert close(shown["dc.h"], dh * now["gates"]["o"][j] * (1 - math.tanh(now["c"][j]) ** 2))
        parts = [shown["dc.f"], shown["dc.h"], shown["dc.p"]]
        assert close(sum(parts), tr["backward"][t]["dc"][j], scale=sum(abs(v) for v in parts))
    if page["cell"] == "rnn":
        a = tr["forward"][t - 1]["h"][j]
        assert close(shown["dphi"], 1 - a * a) and close(shown["da"], dh * (1 - a * a))


def test_first_and_last_steps_have_their_own_equations(driver, page):
    last = slots(driver, page["url"], f"b{T}")
    assert "rho" not in last and close(last["e"], page["trace"]["backward"][T]["dh"][UNIT])
    first = slots(driver, page["url"], "b0")
    assert "e" not in first and close(first["rho"], recurrence(page, 0, UNIT))
    initial = slots(driver, page["url"], "f0")
    assert set(initial) <= {"h", "c", "j"} and initial["h"] == 0


def test_korean_equation_words(driver, tmp_path, rnnlab):
    (tmp_path / "ko.md").write_text("""---
title: 식
language: ko
seed: 2
---
```rnnlab
data: {name: d, task: sum, count: 2, length: 4, mean: true}
model: {name: m, cell: lstm, input_size: 1, hidden_size: 2, output_size: 1}
step: {}
show: step_through
```
""")
    subprocess.run([rnnlab, "run", "ko.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    driver.get((tmp_path / "out" / "ko" / "index.html").resolve().as_uri() + "#st-01=f0")
    text = driver.find_element(By.CSS_SELECTOR, ".st-equation").text
    assert "유닛 1" in text and "초기 상태" in text
