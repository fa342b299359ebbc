"""The lessons in lessons/ as a user runs them: every one passes its own claims, leaves no
placeholder unfilled and writes values.json; reruns give the same bytes; and a comparison's page
shows its measured time from timings.js when opened from file://."""
import json
import pathlib
import re
import os
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parents[2]
LESSONS = sorted(p for p in (ROOT / "lessons").glob("*.md") if p.name != "README.md")
CLAIMS = ("Claims checked against this run", "확인한 주장")


@pytest.fixture(scope="module")
def lessons_out(tmp_path_factory, rnnlab):
    out = tmp_path_factory.mktemp("lessons") / "out"
    run = subprocess.run([rnnlab, "run", str(ROOT / "lessons"), "-o", str(out), "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return out


def claim_rows(report_md):
    """The rows of every claims table: (claim, measured, verdict)."""
    rows, inside = [], False
    for line in report_md.splitlines():
        if any(line.startswith(f"**{c}**") for c in CLAIMS):
            inside = True
            continue
        if inside and line.startswith("| ") and not line.startswith("| ---"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if cells[-1] in ("✓", "✗"):
                rows.append(cells)
        elif inside and not line.startswith("|") and line.strip():
            inside = False
    return rows


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_checks_its_claims(lessons_out, lesson):
    folder = lessons_out / lesson.stem
    md = (folder / "report.md").read_text()
    rows = claim_rows(md)
    assert len(rows) >= 3, f"{lesson.name}: a lesson backs its claims with expect ({len(rows)} found)"
    assert all(r[-1] == "✓" for r in rows), [r for r in rows if r[-1] != "✓"]
    assert "{{" not in md, "every placeholder is filled"
    values = json.loads((folder / "values.json").read_text())
    assert len(values) >= 10
    timings = json.loads((folder / "timings.json").read_text())
    assert timings["lesson"] > 0


def test_reruns_give_the_same_bytes(tmp_path, rnnlab, lessons_out):
    cheap = [p for p in LESSONS if p.stem.startswith(("01-", "02-", "07-"))]
    out = tmp_path / "again"
    subprocess.run([rnnlab, "run", *map(str, cheap), "-o", str(out), "-q"], check=True)
    for lesson in cheap:
        for f in sorted((out / lesson.stem).iterdir()):
            if f.name.startswith("timings."):
                continue
            assert f.read_bytes() == (lessons_out / lesson.stem / f.name).read_bytes(), f"{lesson.stem}/{f.name}"


def test_korean_lessons_that_reuse_the_english_training_are_the_bytes_of_training_again(tmp_path, rnnlab, lessons_out):
    # In the curriculum run a Korean lesson takes its English sibling's training results from the
    # process's cache; run alone with the cache off it trains itself, and must write the same bytes.
    chosen = [ROOT / "lessons" / f for f in ("06-character-language-model.ko.md", "15-gru.ko.md", "19-seq2seq.ko.md")]
    out = tmp_path / "alone"
    subprocess.run([rnnlab, "run", *map(str, chosen), "-o", str(out), "-q"], check=True,
                   env=dict(os.environ, RNNLAB_TRAINING_CACHE="0"))
    for lesson in chosen:
        name = lesson.name[:-len(".md")]
        files = sorted(f.name for f in (out / name).iterdir() if not f.name.startswith("timings."))
        assert files == sorted(f.name for f in (lessons_out / name).iterdir() if not f.name.startswith("timings."))
        for f in files:
            assert (out / name / f).read_bytes() == (lessons_out / name / f).read_bytes(), f"{name}/{f}"


def test_comparison_page_shows_its_time_offline(driver, tmp_path, rnnlab):
    (tmp_path / "cmp.md").write_text("""---
title: 비교
language: ko
seed: 1
---
정확도: {{ c.g.test.accuracy | percent }}.

```rnnlab
data: {name: d, task: copy, count: 32, symbols: 2, distractors: 3, distractor_symbols: 2, test: 16}
compare: {name: c, model: {input_size: 4, hidden_size: 4, output_size: 2}, variants: {g: {cell: gru}, r: {cell: rnn}}, seeds: 2, train: {epochs: 2}}
expect: ["c.g.seeds == 2"]
```
""")
    subprocess.run([rnnlab, "run", "cmp.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    page = tmp_path / "out" / "cmp" / "index.html"
    html = page.read_text()
    assert re.search(r"<script src=\"timings.js\"></script>", html)
    assert not re.search(r"(src|href)=\"https?:", html), "nothing fetched from the network"
    driver.get(page.resolve().as_uri())
    driver.get_log("browser")
    driver.refresh()
    time.sleep(0.2)
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    shown = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "output[data-timing]")]
    assert len(shown) == 3 and all(re.fullmatch(r"\d+\.\d+ s", t) for t in shown), shown
    assert "학습과 평가에 걸린 시간" in driver.find_element(By.CSS_SELECTOR, "p.timing").text
    assert "✓" in driver.find_element(By.TAG_NAME, "main").text


def test_hostile_prose_runs_nothing_in_the_browser(driver, tmp_path, rnnlab):
    (tmp_path / "hostile.md").write_text("""---
title: Hostile
---
<script>window.pwned = 1</script>

An image ![x](x" onerror="window.pwned=2") and <img src=x onerror="window.pwned=3"> inline.

[click](javascript:window.pwned=4) <iframe src="file:///etc/passwd"></iframe>

Math stays math: $h_t = \\tanh(a_t)$.

```rnnlab
show: shapes
```
""")
    subprocess.run([rnnlab, "run", "hostile.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    page = (tmp_path / "out" / "hostile" / "index.html").resolve()
    driver.get(page.as_uri())
    time.sleep(0.3)
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.find_elements(By.TAG_NAME, "iframe") == []
    assert all(not (a.get_attribute("href") or "").startswith("javascript:") for a in driver.find_elements(By.TAG_NAME, "a"))
    assert all(i.get_attribute("onerror") is None for i in driver.find_elements(By.TAG_NAME, "img"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "<script>window.pwned = 1</script>" in main, "raw HTML is shown as text"
    assert len(driver.find_elements(By.CSS_SELECTOR, "main math")) == 1


def test_projector_mode_is_one_switch_and_remembered(driver, lessons_out):
    page = (lessons_out / "03-vanilla-rnn" / "index.html").resolve().as_uri()
    driver.get(page)
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    body = driver.find_element(By.TAG_NAME, "body")
    size = float(driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)"))
    driver.find_element(By.CSS_SELECTOR, ".projector-toggle").click()
    assert "projector" in body.get_attribute("class")
    bigger = float(driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)"))
    assert bigger >= 1.3 * size
    driver.refresh()
    assert "projector" in driver.find_element(By.TAG_NAME, "body").get_attribute("class"), "remembered"
    driver.find_element(By.CSS_SELECTOR, ".projector-toggle").click()
    assert "projector" not in driver.find_element(By.TAG_NAME, "body").get_attribute("class")


LEGIBILITY_JS = """
var out = {scrollW: document.documentElement.scrollWidth, clientW: document.documentElement.clientWidth, small: [], cut: []};
document.querySelectorAll('figure svg, .st-graph svg, .st-chart svg').forEach(function (svg) {
  if (!svg.getClientRects().length) return;  // hidden (the backward graph in the forward pass)
  var min = Infinity;
  svg.querySelectorAll('text').forEach(function (t) { var r = t.getBoundingClientRect(); if (r.height > 0) min = Math.min(min, r.height); });
  var box = svg.closest('figure, .st-graph, .st-chart');
  if (min < 9) out.small.push([(box && box.id) || (box && box.className) || '?', Math.round(min * 10) / 10]);
});
// Nothing cut off at the page's edge: every element's right edge inside the page, unless its
// box scrolls (then the box itself must fit).
document.querySelectorAll('main *').forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.width === 0 || r.right <= document.documentElement.clientWidth + 1) return;
  var p = el.parentElement, scrolls = false;
  while (p && p !== document.body) { var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') { scrolls = true; break; } p = p.parentElement; }
  if (!scrolls && out.cut.length < 5) out.cut.push(el.tagName + '.' + el.className + ' right=' + Math.round(r.right));
});
return out;
"""


@pytest.mark.parametrize("width", [360, 390, 1280, 1920])
def test_every_page_fits_its_width_and_figure_text_stays_legible(driver, lessons_out, width):
    """At the narrowest phone's (360 px), a phone's, a laptop's and a wide screen's width: nothing scrolls the page sideways or is
    cut off at its edge, and the smallest text in any figure is at least 9 px high (a figure too
    wide for its column scrolls in its own box instead of shrinking)."""
    # Headless Chromium will not make a window narrower than about 500 px, so the viewport's
    # width is set exactly, as a phone's would be.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    problems = []
    try:
        assert abs(driver.execute_script("return window.innerWidth") - width) <= 1
        for lesson in LESSONS:
            driver.get((lessons_out / lesson.stem / "index.html").resolve().as_uri())
            r = driver.execute_script(LEGIBILITY_JS)
            if r["scrollW"] > r["clientW"]:
                problems.append(f"{lesson.stem}: the page scrolls sideways ({r['scrollW']} > {r['clientW']} px)")
            problems += [f"{lesson.stem}: figure {fig} has text {px} px high" for fig, px in r["small"]]
            problems += [f"{lesson.stem}: cut off: {c}" for c in r["cut"]]
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, "\n".join(problems)
