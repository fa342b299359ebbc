"""Graphs that read at any width (issue 11): the gate-level unrolled graph in one column per step,
folding chosen from the width the figure has (page column, wide screen, phone, A4 handout page),
titles and colour keys that stay in view, and handout figures at a legible size."""
import subprocess

import pytest
from selenium.webdriver.common.by import By

from test_lessons import LESSONS, LEGIBILITY_JS, ROOT


@pytest.fixture(scope="module")
def out(tmp_path_factory, rnnlab):
    folder = tmp_path_factory.mktemp("graphs") / "out"
    names = ["13-lstm-gates.md", "13-lstm-gates.ko.md", "03-vanilla-rnn.md", "16-bidirectional.md", "17-bidirectional-deep.md", "19-seq2seq.md"]
    run = subprocess.run([rnnlab, "run", *[str(ROOT / "lessons" / n) for n in names], "-o", str(folder), "-q"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return folder


# The shown drawing of the gate-level figure: each node's centre, by its id without the prefix.
NODES_JS = """
var fig = arguments[0], out = {};
fig.querySelectorAll('svg').forEach(function (svg) {
  if (!svg.getClientRects().length) return;
  svg.querySelectorAll('g.node').forEach(function (g) {
    var r = g.getBoundingClientRect(), id = g.id.replace(/^fig-\\d+-(?:(?:xl|l|m|s)-)?/, '');
    out[id] = [r.left + r.width / 2, r.top + r.height / 2, r.height];
  });
});
return out;
"""


def gate_figure(driver, page):
    driver.get(page.resolve().as_uri())
    for fig in driver.find_elements(By.CSS_SELECTOR, "figure.fitted"):
        if fig.find_elements(By.CSS_SELECTOR, "[id$='gate_f_1']"):
            return fig
    pytest.fail("no gate-level graph in " + str(page))


def shown_steps(nodes):
    return sorted(int(k.split("_")[-1]) for k in nodes if k.startswith("gate_f_"))


@pytest.mark.parametrize("width", [1280, 1920])
def test_gate_level_graph_is_one_column_per_step_with_straight_state_lines(driver, out, width):
    driver.set_window_size(width, 1000)
    try:
        nodes = driver.execute_script(NODES_JS, gate_figure(driver, out / "13-lstm-gates" / "index.html"))
    finally:
        driver.set_window_size(1200, 1600)
    steps = shown_steps(nodes)
    assert len(steps) >= 2
    # The cell state and the hidden state each on one straight line.
    for state in ("c", "h"):
        ys = {round(v[1]) for k, v in nodes.items() if k.startswith(state + "_") and k[2:].isdigit()}
        assert max(ys) - min(ys) <= 1, f"{state}_t not on one line: {ys}"
    # Every step the same column: its gates stacked f, i, c̃, o top to bottom at one x, the same
    # height in every step (no staircase).
    for t in steps:
        column = [nodes[f"gate_{g}_{t}"] for g in ("f", "i", "ctilde", "o")]
        assert max(c[0] for c in column) - min(c[0] for c in column) <= 1
        assert all(a[1] < b[1] for a, b in zip(column, column[1:])), f"step {t}: gates out of order"
        assert abs(nodes[f"gate_f_{t}"][1] - nodes[f"gate_f_{steps[0]}"][1]) <= 1, f"step {t} is lower than step {steps[0]}"
        assert nodes[f"gate_f_{t}"][0] < nodes[f"h_{t}"][0], "h_t to the right of its step's gates"


def test_folding_follows_the_width_and_text_stays_legible(driver, out):
    page = out / "13-lstm-gates" / "index.html"
    seen = {}
    try:
        for width in (1920, 1280, 390):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
            fig = gate_figure(driver, page)
            nodes = driver.execute_script(NODES_JS, fig)
            seen[width] = shown_steps(nodes)
            assert min(v[2] for v in nodes.values()) >= 10, f"{width}: node text box under 10 px"
            scrolls = driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth + 1", fig)
            if width >= 1280:
                assert not scrolls, f"at {width} px the graph should fit its box by folding"
            else:
                assert "scrolls" in fig.get_attribute("class"), "a figure that scrolls shows its cue"
                # The title stays in view when the drawing is scrolled to its end.
                driver.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", fig)
                title = fig.find_element(By.CSS_SELECTOR, ".fig-title")
                inside = driver.execute_script("""var f = arguments[0].getBoundingClientRect(), t = arguments[1].getBoundingClientRect();
                    return t.left >= f.left - 1 && t.right <= f.right + 1 && t.width > 0;""", fig, title)
                assert inside, "the title scrolled out of its box"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert seen[1920] == list(range(1, 8)), "a wide screen shows all seven steps"
    assert len(seen[1920]) > len(seen[1280]) > len(seen[390]) >= 2
    assert seen[390][0] == 1 and seen[390][-1] == 7


def test_every_graph_has_a_colour_key_in_the_page_language(driver, out):
    for name, words in (("13-lstm-gates", ["input x_t", "gate (σ, tanh)", "cell state c_t"]),
                        ("13-lstm-gates.ko", ["입력 x_t", "게이트 (σ, tanh)", "셀 상태 c_t"])):
        driver.get((out / name / "index.html").resolve().as_uri())
        graphs = driver.execute_script("""return Array.from(document.querySelectorAll('figure, .st-graph')).filter(function (f) {
            return f.querySelector('svg g.graph'); }).map(function (f) {
            var k = f.querySelector('.fig-legend'); return [f.id || f.className, k ? k.textContent : null]; });""")
        assert graphs
        for fig, key in graphs:
            assert key, f"{name}: {fig} has no colour key"
        assert any(all(w in key for w in words) for _, key in graphs), f"{name}: {words} not in any key"


A4_TEXT_WIDTH = 688  # 210 mm less the handout's 14 mm margins, in CSS px


def test_handout_figures_are_legible_on_an_a4_page(driver, out, rnnlab, tmp_path):
    """The print stylesheet at the A4 page's text width: the graph drawn for that width, no
    figure wider than the page, and figure text at least 9 px (figures no longer shrink to fit)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": A4_TEXT_WIDTH, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    problems = []
    try:
        for lesson in ("13-lstm-gates", "13-lstm-gates.ko", "03-vanilla-rnn", "16-bidirectional", "17-bidirectional-deep", "19-seq2seq"):
            driver.get((out / lesson / "index.html").resolve().as_uri())
            width = driver.execute_script("return document.documentElement.clientWidth")
            assert abs(width - A4_TEXT_WIDTH) < 20, width
            r = driver.execute_script(LEGIBILITY_JS)
            problems += [f"{lesson}: figure {fig} has text {px} px high on paper" for fig, px in r["small"]]
            wide = driver.execute_script("""return Array.from(document.querySelectorAll('figure')).filter(function (f) {
                return f.scrollWidth > f.clientWidth + 1; }).map(function (f) { return f.id + ' ' + f.scrollWidth; });""")
            problems += [f"{lesson}: {w} wider than the page" for w in wide]
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not problems, "\n".join(problems)
