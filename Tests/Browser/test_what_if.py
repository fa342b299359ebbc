"""The what-if slider in Chromium: a sweep's values embedded in one page, a slider that shows the
chosen value's numbers, charts and step-through, the fragment that keeps the value, and the page's
size for an LSTM(16) over 50 steps at 11 values (issue 11: under 2 MB)."""
import json
import re
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

VALUES = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5]
LESSON = """---
title: What if
language: {lang}
seed: 1
---

```rnnlab
model: {{name: m, cell: lstm, input_size: 1, hidden_size: 16, output_size: 1}}
data: {{name: d, task: sum, count: 20, length: 50}}
sweep: {{name: s, model: m, data: d, parameter: spectral_radius, values: {values}}}
show: {{what: what_if, sweep: s}}
```
"""


@pytest.fixture(scope="module", params=["en", "ko"])
def page(request, tmp_path_factory, rnnlab):
    tmp = tmp_path_factory.mktemp("whatif-" + request.param)
    (tmp / "lesson.md").write_text(LESSON.format(lang=request.param, values=json.dumps(VALUES)))
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    folder = tmp / "out" / "lesson"
    values = json.loads((folder / "values.json").read_text())
    return {"url": (folder / "index.html").resolve().as_uri(), "file": folder / "index.html", "values": values}


def visible(driver):
    return [int(p.get_attribute("data-index")) for p in driver.find_elements(By.CSS_SELECTOR, ".wi-panel") if p.is_displayed()]


def test_the_page_stays_under_two_megabytes(page):
    size = page["file"].stat().st_size
    assert size < 2_000_000, f"{size} bytes"
    html = page["file"].read_text()
    assert html.count('class="wi-panel"') == len(VALUES)
    assert html.count('class="stepthrough"') == len(VALUES)


def test_the_slider_shows_each_value_and_its_own_numbers(driver, page):
    driver.get(page["url"])
    assert visible(driver) == [0]
    slider = driver.find_element(By.CSS_SELECTOR, ".what-if input[type=range]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
    for k in range(1, len(VALUES)):
        slider.send_keys(Keys.RIGHT)
        assert visible(driver) == [k]
        assert driver.find_element(By.CSS_SELECTOR, ".wi-control output").text == f"{VALUES[k]:g}"
        facts = driver.find_element(By.CSS_SELECTOR, f".wi-panel[data-index='{k}'] .wi-facts").text
        # The panel's ‖∂(h,c)_T/∂(h,c)₀‖ is the sweep's own value for this radius (4 significant digits).
        measured = page["values"][f"s.jacobian[{VALUES[k]:g}]"]
        shown = re.search(r"₀‖ = ([0-9.e+−-]+(?: × 10[⁰-⁹⁻]+)?)", facts).group(1)
        assert shown, facts
        if "×" not in shown:
            assert abs(float(shown.replace("−", "-")) - measured) <= 1e-3 * abs(measured) + 1e-12, (shown, measured)
    slider.send_keys(Keys.HOME)
    assert visible(driver) == [0]


def test_the_fragment_keeps_the_value(driver, page):
    driver.get(page["url"])
    box = driver.find_element(By.CSS_SELECTOR, ".what-if").get_attribute("id")
    driver.get("about:blank")
    driver.get(page["url"] + f"#{box}=7")
    time.sleep(0.2)
    assert visible(driver) == [7]
    assert driver.find_element(By.CSS_SELECTOR, ".what-if input[type=range]").get_attribute("value") == "7"


def test_a_later_panels_step_through_works_with_the_shared_equations(driver, page):
    driver.get(page["url"])
    slider = driver.find_element(By.CSS_SELECTOR, ".what-if input[type=range]")
    driver.execute_script("arguments[0].value = 9; arguments[0].dispatchEvent(new Event('input'))", slider)
    panel = driver.find_element(By.CSS_SELECTOR, ".wi-panel[data-index='9']")
    st = panel.find_element(By.CSS_SELECTOR, ".stepthrough")
    driver.execute_script("arguments[0].scrollIntoView(); arguments[0].focus()", st)
    st.send_keys(Keys.RIGHT)
    st.send_keys(Keys.RIGHT)
    assert "3" in st.find_element(By.CSS_SELECTOR, ".st-status").text
    assert st.find_elements(By.CSS_SELECTOR, ".st-equation math")
    assert not [l for l in driver.get_log("browser") if l["level"] == "SEVERE"]
