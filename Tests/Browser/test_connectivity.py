"""The connectivity show in Chromium: the matrix ‖∂y_t/∂x_s‖ and, for a text model, the strip on
which pointing at (or tapping) an output colours the inputs by their influence."""
import csv
import pathlib
import re
import subprocess

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

LESSON = """---
title: Connectivity
language: {lang}
seed: 2
---
```rnnlab
data: {{name: txt, task: text, corpus: "a<b>&\\"c a<b>&\\"c ab&c a<b>c", length: 10, stride: 5}}
model: {{name: lm, cell: lstm, vocab_from: txt, hidden_size: 6}}
train: {{model: lm, data: txt, optimizer: adam, learning_rate: 0.05, epochs: 5, batch_size: 2}}
step: {{model: lm, data: txt, index: 0}}
show: connectivity
```
"""


@pytest.fixture(scope="module", params=["en", "ko"])
def page(request, tmp_path_factory, rnnlab):
    tmp = tmp_path_factory.mktemp("connectivity-" + request.param)
    (tmp / "lesson.md").write_text(LESSON.format(lang=request.param))
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    folder = tmp / "out" / "lesson"
    figure = re.search(r'<svg[^>]*class="chart connectivity-chart" id="([^"]+)"', (folder / "index.html").read_text()).group(1)
    with open(folder / f"{figure}.csv") as f:
        rows = list(csv.reader(f))[1:]
    matrix = [[float(v) for v in row[1:] if v != ""] for row in rows]
    return {"url": (folder / "index.html").resolve().as_uri(), "matrix": matrix, "lang": request.param}


def test_pointing_at_an_output_colours_the_inputs_it_reads(driver, page):
    driver.get(page["url"])
    outs = driver.find_elements(By.CSS_SELECTOR, ".cx-out")
    ins = driver.find_elements(By.CSS_SELECTOR, ".cx-in")
    T = len(page["matrix"])
    assert len(outs) == T and len(ins) == T
    for t in (1, T // 2, T):
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", outs[t - 1])
        ActionChains(driver).move_to_element(outs[t - 1]).perform()
        classes = [e.get_attribute("class") for e in ins]
        row = page["matrix"][t - 1]
        for s in range(T):
            if s < t:
                assert re.search(r"cx-l[0-8]", classes[s]), (t, s, classes[s])
            else:
                assert "cx-after" in classes[s], (t, s, classes[s])
        strongest = max(range(t), key=lambda s: row[s])
        assert "cx-l8" in classes[strongest]
        status = driver.find_element(By.CSS_SELECTOR, ".cx-status").text
        assert f"s = {strongest + 1}" in status, status
        assert "sel" in outs[t - 1].get_attribute("class")


def test_tapping_works_like_pointing(driver, page):
    driver.get(page["url"])
    outs = driver.find_elements(By.CSS_SELECTOR, ".cx-out")
    driver.execute_script("arguments[0].click()", outs[2])
    ins = driver.find_elements(By.CSS_SELECTOR, ".cx-in")
    assert "cx-after" in ins[3].get_attribute("class") and "cx-after" not in ins[2].get_attribute("class")


def test_hostile_symbols_are_text(driver, page):
    driver.get(page["url"])
    strip = driver.find_element(By.CSS_SELECTOR, ".connectivity")
    assert not strip.find_elements(By.CSS_SELECTOR, "b")
    text = "".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".cx-in"))
    assert "<b>" in text and "&" in text


def test_the_matrix_is_lower_triangular_and_finite(page):
    for t, row in enumerate(page["matrix"]):
        assert len(row) == t + 1
        assert all(v >= 0 and v < float("inf") for v in row)
