"""The step-through in a real browser: numbers shown equal the trace's, controls and keys work,
the URL fragment restores the position, the page prints without controls, and a 128-unit,
1000-step LSTM steps without lag."""
import base64
import json
import re
import subprocess
import time

import pytest

from conftest import random_lstm, write_step_lesson
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

X, H, Y, T = 2, 3, 1, 6


def make_files(tmp, rng_seed=3):
    import random
    rng = random.Random(rng_seed)
    w, xs = random_lstm(rng, X, H, T)
    model = {"cell": "lstm", "input_size": X, "hidden_size": H, "output_size": Y, "weights": w}
    ts = [[round(rng.uniform(-1, 1), 3)] for _ in range(T)]
    write_step_lesson(tmp, model, xs, ts)


@pytest.fixture(scope="module")
def report(tmp_path_factory, rnnlab):
    tmp = tmp_path_factory.mktemp("stepthrough")
    make_files(tmp)
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    subprocess.run([rnnlab, "trace", "model.json", "seq.json", "-o", "trace.json"], cwd=tmp, check=True)
    trace = json.loads((tmp / "trace.json").read_text())
    page = (tmp / "out" / "lesson" / "index.html").resolve()
    widget = re.search(r'class="stepthrough" id="([^"]+)"', page.read_text()).group(1)
    return {"url": page.as_uri(), "trace": trace, "widget": widget}


def open_widget(driver, url):
    driver.get(url)
    root = driver.find_element(By.CSS_SELECTOR, ".stepthrough")
    driver.execute_script("arguments[0].scrollIntoView(); arguments[0].focus();", root)
    return root


def shown(root, quantity):
    """The numbers the panel shows for a quantity, by unit."""
    out = {}
    for el in root.find_elements(By.CSS_SELECTOR, f'.st-panel .v[data-q="{quantity}"]'):
        j = el.get_attribute("data-j")
        out[int(j) if j is not None else 0] = float(el.text.replace("−", "-").replace("∞", "inf"))
    return out


def status(root):
    return root.find_element(By.CSS_SELECTOR, ".st-status").text


def close_fixed(a, b):  # shown with 3 decimals; gates stored to 4 decimals, states as float32
    return abs(a - b) <= 0.0005 + 1e-4


def close_sig(a, b):  # shown with 4 significant digits from float32
    return abs(a - b) <= 6e-4 * abs(b) + 1e-30


def severe_logs(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_page_loads_without_console_errors(driver, report):
    driver.get(report["url"])
    driver.get_log("browser")  # drop anything from before
    driver.refresh()
    time.sleep(0.2)
    assert severe_logs(driver) == []
    assert driver.find_element(By.CSS_SELECTOR, ".stepthrough .st-panel").text.strip() != ""


def test_forward_numbers_equal_the_trace(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys(Keys.HOME)
    assert "t = 0" in status(root)
    for t in range(1, T + 1):
        root.send_keys(Keys.ARROW_RIGHT)
        assert f"t = {t} " in status(root) + " "
        expected = report["trace"]["forward"][t - 1]
        for gate in ("f", "i", "c_tilde", "o"):
            values = shown(root, gate)
            assert len(values) == H
            for j, v in values.items():
                assert close_fixed(v, expected["gates"][gate][j]), (t, gate, j, v, expected["gates"][gate][j])
        for key in ("h", "c"):
            for j, v in shown(root, key).items():
                assert close_fixed(v, expected[key][j]), (t, key, j)
        assert close_sig(shown(root, "y")[0], expected["y"][0])
    assert severe_logs(driver) == []


def test_previous_next_and_buttons(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys(Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert "t = 3 " in status(root) + " "
    root.send_keys(Keys.ARROW_LEFT)
    assert "t = 2 " in status(root) + " "
    root.find_element(By.CSS_SELECTOR, "[data-act=next]").click()
    assert "t = 3 " in status(root) + " "
    root.find_element(By.CSS_SELECTOR, "[data-act=last]").click()
    assert f"t = {T} " in status(root) + " "
    root.find_element(By.CSS_SELECTOR, "[data-act=first]").click()
    assert "t = 0 " in status(root) + " "
    # the current step is highlighted in the graph through its SVG ids
    root.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    highlighted = [e.get_attribute("id") for e in root.find_elements(By.CSS_SELECTOR, ".st-graph .st-current")]
    assert any(i.endswith("-h_2") for i in highlighted) and any(i.endswith("-cell_2") for i in highlighted)


def test_backward_numbers_equal_the_trace(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys("b", Keys.HOME)  # the backward pass starts at t = T
    assert "backward" in status(root) and f"t = {T} " in status(root) + " "
    for t in range(T, -1, -1):
        if t < T:
            root.send_keys(Keys.ARROW_RIGHT)  # in the backward pass, "next" goes back in time
        assert f"t = {t} " in status(root) + " "
        expected = report["trace"]["backward"][t]
        for key in ("dh", "dc"):
            values = shown(root, key)
            assert len(values) == H
            for j, v in values.items():
                assert close_sig(v, expected[key][j]), (t, key, j, v, expected[key][j])
        assert close_sig(shown(root, "jac")[0], report["trace"]["jacobian_norms"][t])
    root.send_keys("f")
    assert "forward" in status(root) and "t = 0 " in status(root) + " "  # the place is kept


def test_url_fragment_restores_the_position(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys("b", Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # backward, t = T - 2
    fragment = driver.execute_script("return location.hash")
    assert fragment == f"#{report['widget']}=b{T - 2}"
    driver.get("about:blank")
    driver.get(report["url"] + fragment)
    root = driver.find_element(By.CSS_SELECTOR, ".stepthrough")
    assert "backward" in status(root) and f"t = {T - 2} " in status(root) + " "
    for j, v in shown(root, "dh").items():
        assert close_sig(v, report["trace"]["backward"][T - 2]["dh"][j])


def test_play_runs_to_the_end(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys(Keys.HOME)
    driver.execute_script("arguments[0].querySelector('[data-act=speed]').value = '25'", root)
    root.send_keys(" ")
    time.sleep((T + 3) / 25 + 0.5)
    assert f"t = {T} " in status(root) + " "
    assert "playing" not in root.get_attribute("class")


def test_print_has_no_controls_and_a_sane_page_count(driver, report):
    open_widget(driver, report["url"])
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        controls = driver.execute_script("return getComputedStyle(document.querySelector('.controls')).display")
        multiples = driver.execute_script("return getComputedStyle(document.querySelector('.stepthrough-print')).display")
        nav = driver.execute_script("return getComputedStyle(document.querySelector('header nav')).display")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert controls == "none" and nav == "none" and multiples == "block"
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
    data = base64.b64decode(pdf["data"])
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert 1 <= pages <= 6, pages


def test_korean_interface_labels(driver, tmp_path, rnnlab):
    make_files(tmp_path)
    text = (tmp_path / "lesson.md").read_text().replace("language: en", "language: ko")
    (tmp_path / "lesson.md").write_text(text)
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    root = open_widget(driver, (tmp_path / "out" / "lesson" / "index.html").resolve().as_uri())
    assert "순전파" in status(root)
    assert "단축키" in root.find_element(By.CSS_SELECTOR, ".keys").text
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko"


def test_large_recording_steps_without_lag(driver, tmp_path, rnnlab):
    (tmp_path / "big.md").write_text("""---
title: Big
---
```rnnlab
data: {name: d, task: sum, count: 1, length: 1000, mean: true}
model: {name: m, cell: lstm, input_size: 1, hidden_size: 128, output_size: 1}
step: {}
show: step_through
```
""")
    subprocess.run([rnnlab, "run", "big.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    page = tmp_path / "out" / "big" / "index.html"
    assert page.stat().st_size < 2_000_000
    open_widget(driver, page.resolve().as_uri())
    per_step_ms = driver.execute_script("""
        var w = document.querySelector('.stepthrough').stepThrough, t0 = performance.now();
        for (var k = 0; k < 100; k++) w.step(1);
        w.pass('b');
        for (k = 0; k < 100; k++) w.step(1);
        return (performance.now() - t0) / 201;""")
    assert per_step_ms < 30, per_step_ms
    assert severe_logs(driver) == []


def test_forward_and_backward_keep_the_place_and_the_slider_follows_the_arrow(driver, report):
    root = open_widget(driver, report["url"])
    root.send_keys(Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert "t = 3 " in status(root) + " "
    root.send_keys("b")
    assert "backward" in status(root) and "t = 3 " in status(root) + " "
    slider = root.find_element(By.CSS_SELECTOR, "[data-act=slider]")
    # Backward, → goes to t − 1 and the slider runs right to left, so its thumb moves right too.
    assert driver.execute_script("return getComputedStyle(arguments[0]).direction", slider) == "rtl"
    x0 = slider.rect["x"]
    thumb = lambda: driver.execute_script(  # noqa: E731
        "var s = arguments[0], r = s.getBoundingClientRect(), f = (s.value - s.min) / (s.max - s.min);"
        "return getComputedStyle(s).direction === 'rtl' ? r.right - f * r.width : r.left + f * r.width;", slider)
    before = thumb()
    root.send_keys(Keys.ARROW_RIGHT)
    assert "t = 2 " in status(root) + " "
    assert thumb() > before and x0 == slider.rect["x"]
    root.send_keys("f")
    assert "forward" in status(root) and "t = 2 " in status(root) + " "


def test_the_fragment_keeps_the_unit_and_in_page_links_work(driver, report):
    root = open_widget(driver, report["url"])
    driver.execute_script("var s = arguments[0].querySelector('[data-act=unit]'); s.value = '2'; s.dispatchEvent(new Event('change'));", root)
    root.send_keys(Keys.HOME, Keys.ARROW_RIGHT)
    fragment = driver.execute_script("return location.hash")
    assert fragment == f"#{report['widget']}=f1u3"
    driver.get("about:blank")
    driver.get(report["url"] + fragment)
    root = driver.find_element(By.CSS_SELECTOR, ".stepthrough")
    assert driver.execute_script("return arguments[0].querySelector('[data-act=unit]').value", root) == "2"
    # A link to a step, followed after the page has loaded.
    driver.execute_script(f"location.hash = '#{report['widget']}=b4'")
    time.sleep(0.2)
    assert "backward" in status(root) and "t = 4 " in status(root) + " "


def test_clicking_a_node_goes_to_its_step(driver, report):
    root = open_widget(driver, report["url"])
    node = root.find_element(By.CSS_SELECTOR, f'.st-graph-f g.node[id="{report["widget"]}-h_4"]')
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
    assert "t = 4 " in status(root) + " "
    root.send_keys("b")
    # Backward, the graph is the gradient's: arrows reversed, the way back from the loss marked.
    assert root.find_element(By.CSS_SELECTOR, ".st-graph-b").is_displayed()
    assert not root.find_element(By.CSS_SELECTOR, ".st-graph-f").is_displayed()
    path = [e.get_attribute("id") for e in root.find_elements(By.CSS_SELECTOR, ".st-graph-b .st-path")]
    assert any(i.endswith("-b-h_5") for i in path) and any(i.endswith("-b-loss") for i in path)
    current = [e.get_attribute("id") for e in root.find_elements(By.CSS_SELECTOR, ".st-graph-b .st-current")]
    assert any(i.endswith("-b-h_4") for i in current)


def bar_px(root, quantity):
    """Total drawn width (px) of a row's bars, and the bars' widths by unit."""
    row = root.find_element(By.CSS_SELECTOR, f'.st-panel .st-row[data-q="{quantity}"]')
    widths = [e.rect["width"] for e in row.find_elements(By.CSS_SELECTOR, ".st-bar span")]
    return sum(widths), widths


def test_backward_bars_share_one_scale_for_the_whole_pass(driver, report):
    """A gradient 10× smaller than dL/dh_T is drawn shorter; any smaller gradient never longer."""
    root = open_widget(driver, report["url"])
    root.send_keys("b", Keys.HOME)
    back = {b["t"]: b for b in report["trace"]["backward"]}
    px = {}
    for t in range(T, -1, -1):
        if t < T:
            root.send_keys(Keys.ARROW_RIGHT)
        px[t] = bar_px(root, "dh")
    for t in range(T):
        for j in range(H):
            a, b = abs(back[t]["dh"][j]), abs(back[T]["dh"][j])
            if a * 10 <= b:
                assert px[t][1][j] < px[T][1][j], (t, j, a, b, px[t][1][j], px[T][1][j])
            if a < b:
                assert px[t][1][j] <= px[T][1][j] + 0.5, (t, j)
    # Input bars keep the sequence's scale: over the steps, a smaller |x_t| is never a longer bar.
    root.send_keys("f", Keys.HOME)
    xs = {}
    for t in range(1, T + 1):
        root.send_keys(Keys.ARROW_RIGHT)
        xs[t] = (abs(shown(root, "x")[0]), bar_px(root, "x")[1][0])
    for a in xs.values():
        for b in xs.values():
            if a[0] < b[0] - 1e-3:
                assert a[1] <= b[1] + 0.5, (a, b)


ENCODER_DECODER = """---
title: Both halves
seed: 4
---

```rnnlab
data: {name: digits, task: reverse_digits, count: 40, length: [4], test: {count: 8, length: [4]}}
model: {name: s2s, kind: encoder_decoder, cell: lstm, hidden_size: 4, embedding_size: 3}
step: {model: s2s, index: 0}
show: step_through
```
"""


def test_the_encoder_is_stepped_through_and_its_backward_pass_starts_from_the_decoder(driver, tmp_path, rnnlab):
    (tmp_path / "lesson.md").write_text(ENCODER_DECODER)
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    driver.get((tmp_path / "out" / "lesson" / "index.html").resolve().as_uri())
    encoder, decoder = driver.find_elements(By.CSS_SELECTOR, ".stepthrough")
    assert severe_logs(driver) == []
    # Forward, the encoder has no output and no loss; its graph ends in the decoder node.
    driver.execute_script(f"location.hash = '#{encoder.get_attribute('id')}=f4'")
    time.sleep(0.2)
    assert shown(encoder, "h") and not shown(encoder, "y") and not shown(encoder, "loss")
    assert encoder.find_elements(By.CSS_SELECTOR, f"#{encoder.get_attribute('id')}-decoder")
    # Backward at s = S: the encoder's dL/dh_S is what the decoder's dL/dh_0 is (4 units).
    driver.execute_script(f"location.hash = '#{encoder.get_attribute('id')}=b4'")
    driver.execute_script(f"location.hash = '#{decoder.get_attribute('id')}=b0'")
    time.sleep(0.3)
    handed, received = shown(encoder, "dh"), shown(decoder, "dh")
    assert len(handed) == 4 and handed == received
    # Its equation names that term, and a middle step has no output term.
    def equation(root):  # MathML's text has a line per token
        return re.sub(r"\s+", "", root.find_element(By.CSS_SELECTOR, ".st-equation").text)
    driver.execute_script(f"location.hash = '#{decoder.get_attribute('id')}=b2'")
    time.sleep(0.2)
    assert "Why" in equation(decoder)
    eq = equation(encoder)
    assert "dec" in eq and "Why" not in eq
    driver.execute_script(f"location.hash = '#{encoder.get_attribute('id')}=b2'")
    time.sleep(0.2)
    eq = equation(encoder)
    assert "dec" not in eq and "Why" not in eq and "∂L∂h2[1]" in eq


def test_a_decoder_step_shows_its_most_probable_tokens_and_the_one_the_loss_wants(driver, tmp_path, rnnlab):
    import math
    (tmp_path / "lesson.md").write_text(ENCODER_DECODER)
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    driver.get((tmp_path / "out" / "lesson" / "index.html").resolve().as_uri())
    decoder = driver.find_elements(By.CSS_SELECTOR, ".stepthrough")[1]
    T = 5  # BOS and four digits in; four digits and EOS out
    for t in range(1, T + 1):
        driver.execute_script(f"location.hash = '#{decoder.get_attribute('id')}=f{t}'")
        time.sleep(0.1)
        topk = decoder.find_element(By.CSS_SELECTOR, ".st-topk")
        probs = [float(v.text) for v in topk.find_elements(By.CSS_SELECTOR, ".tk .v")]
        assert len(probs) == 3 and probs == sorted(probs, reverse=True) and sum(probs) <= 1.0015
        tokens = [tk.text.split(" ")[0] for tk in topk.find_elements(By.CSS_SELECTOR, ".tk")]
        assert all(tok.startswith("‘") for tok in tokens), tokens  # token names, not class numbers
        wanted = topk.find_element(By.CSS_SELECTOR, ".st-target").text
        p_target = float(wanted.split(" ")[-1])
        # The loss term at t is −ln p(target) / T (xent over every step, averaged).
        term = shown(decoder, "lossTerm")[0]
        assert abs(p_target - math.exp(-term * T)) < 2e-3, (t, wanted, term)
    assert "EOS" in wanted  # the last step must write EOS


LAYER_LESSON = """---
title: Layer view
language: en
seed: 2
---
```rnnlab
model: {name: m, cell: lstm, bidirectional: true, input_size: 2, hidden_size: [3, 3], output_size: 1}
data: {name: d, task: inline, loss: mse_all, sequences: [{x: [[0.5, -0.2], [0.1, 0.9], [-0.7, 0.3], [0.4, 0.4], [-0.1, -0.8]], targets: [[0.2], [-0.1], [0.5], [0.3], [-0.4]]}]}
step: {}
show: [unrolled, {what: step_through, layer: 2, direction: backward}]
```
"""


def test_a_stacked_bidirectional_layer_is_stepped_through_with_its_own_numbers(driver, tmp_path, rnnlab):
    """`layer: 2, direction: backward` steps through that cell: its gates, states and gradients
    at each of its own steps are the trace's for that layer and direction (the graph's data file
    holds every layer's record), and the page says which cell it is."""
    (tmp_path / "lesson.md").write_text(LAYER_LESSON)
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    trace = json.loads((tmp_path / "out" / "lesson" / "fig-01.json").read_text())
    cell = next(x for x in trace["layers"] if x["layer"] == 2 and x["direction"] == "backward")
    first = next(x for x in trace["layers"] if x["layer"] == 1 and x["direction"] == "forward")
    root = open_widget(driver, (tmp_path / "out" / "lesson" / "index.html").resolve().as_uri())
    assert "Layer 2 of 2" in root.find_element(By.CSS_SELECTOR, ".st-layer").text
    steps = len(cell["forward"])
    root.send_keys(Keys.HOME)
    for t in range(1, steps + 1):
        root.send_keys(Keys.ARROW_RIGHT)
        expected = cell["forward"][t - 1]
        for gate in ("f", "i", "c_tilde", "o"):
            for j, v in shown(root, gate).items():
                assert close_fixed(v, expected["gates"][gate][j]), (t, gate, j)
        for key in ("h", "c"):
            values = shown(root, key)
            assert len(values) == 3
            for j, v in values.items():
                assert close_fixed(v, expected[key][j]), (t, key, j)
        # not the first layer's numbers
        assert any(not close_fixed(v, first["forward"][t - 1]["h"][j]) for j, v in shown(root, "h").items())
    root.send_keys("b", Keys.HOME)
    for t in range(steps, -1, -1):
        if t < steps:
            root.send_keys(Keys.ARROW_RIGHT)
        for key in ("dh", "dc"):
            for j, v in shown(root, key).items():
                assert close_sig(v, cell["backward"][t][key][j]), (t, key, j, v, cell["backward"][t][key][j])
    assert severe_logs(driver) == []


def test_layer_all_offers_every_cell_and_the_fragment_keeps_the_chosen_one(driver, tmp_path, rnnlab):
    """`layer: all`: a menu of every layer and direction; choosing one shows its step-through
    (its own numbers), and a fragment naming it opens that cell at that step after a reload."""
    (tmp_path / "lesson.md").write_text(LAYER_LESSON.replace("{what: step_through, layer: 2, direction: backward}",
                                                             "{what: step_through, layer: all}"))
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True)
    trace = json.loads((tmp_path / "out" / "lesson" / "fig-01.json").read_text())
    url = (tmp_path / "out" / "lesson" / "index.html").resolve().as_uri()
    driver.get(url)
    menu = driver.find_element(By.CSS_SELECTOR, ".st-layers select[data-act=layer]")
    names = [o.text for o in menu.find_elements(By.TAG_NAME, "option")]
    assert names == ["layer 1 forward →", "layer 1 backward ←", "layer 2 forward →", "layer 2 backward ←"]
    visible = lambda: [r for r in driver.find_elements(By.CSS_SELECTOR, ".st-layers .stepthrough") if r.is_displayed()]
    assert len(visible()) == 1
    from selenium.webdriver.support.ui import Select
    for k, (layer, direction) in enumerate([(1, "forward"), (1, "backward"), (2, "forward"), (2, "backward")]):
        Select(menu).select_by_index(k)
        [root] = visible()
        cell = next(x for x in trace["layers"] if x["layer"] == layer and x["direction"] == direction)
        driver.execute_script("arguments[0].focus()", root)
        root.send_keys("f", Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        for j, v in shown(root, "h").items():
            assert close_fixed(v, cell["forward"][1]["h"][j]), (layer, direction, j)
    # The fragment of the last cell's widget, backward at t = 2, survives a reload.
    [root] = visible()
    root.send_keys("b", Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    fragment = driver.execute_script("return location.hash")
    assert fragment.startswith("#" + root.get_attribute("id") + "=b2")
    driver.get("about:blank")
    driver.get(url + fragment)
    [root] = visible()
    assert Select(driver.find_element(By.CSS_SELECTOR, ".st-layers select[data-act=layer]")).first_selected_option.text == "layer 2 backward ←"
    assert "backward" in status(root) and "t = 2 " in status(root) + " "
    assert severe_logs(driver) == []
