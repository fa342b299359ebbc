#!/usr/bin/env python3
"""Regenerates the screenshots in docs/ from the lessons (needs chromium, chromium-driver,
selenium, and pdftoppm from poppler-utils for the handout page).

    swift build -c release && python3 docs/make_screenshots.py
"""
import pathlib
import subprocess
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = pathlib.Path(__file__).resolve().parents[1]
RNNLAB = ROOT / ".build" / "release" / "rnnlab"
DOCS = ROOT / "docs"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        subprocess.run([str(RNNLAB), "run", str(ROOT / "lessons" / "13-lstm-gates.md"), "-o", str(out), "-q", "--handout"], check=True)
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1100,1600"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get((out / "13-lstm-gates" / "index.html").as_uri())
            root = driver.find_element(By.CSS_SELECTOR, ".stepthrough")
            driver.execute_script("arguments[0].scrollIntoView(); arguments[0].focus();", root)
            root.send_keys(Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
            root.screenshot(str(DOCS / "step-through-forward.png"))
            root.send_keys("b", Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
            root.screenshot(str(DOCS / "step-through-backward.png"))
            # The gate-level unrolled graph: one column per step, folded to the page column.
            gates = [f for f in driver.find_elements(By.CSS_SELECTOR, "figure.fitted")
                     if f.find_elements(By.CSS_SELECTOR, "[id$='gate_f_1']")][0]
            driver.execute_script("arguments[0].scrollIntoView()", gates)
            gates.screenshot(str(DOCS / "gate-level.png"))
            # Connectivity (lesson 06): the matrix and the strip, pointing at the last output.
            subprocess.run([str(RNNLAB), "run", str(ROOT / "lessons" / "06-character-language-model.md"), "-o", str(out), "-q"], check=True)
            driver.get((out / "06-character-language-model" / "index.html").as_uri())
            chart = driver.find_element(By.CSS_SELECTOR, ".connectivity-chart").find_element(By.XPATH, "./ancestor::figure")
            strip = driver.find_element(By.CSS_SELECTOR, ".connectivity")
            driver.execute_script("arguments[0].scrollIntoView()", chart)
            outs = strip.find_elements(By.CSS_SELECTOR, ".cx-out")
            driver.execute_script("arguments[0].click()", outs[len(outs) // 2])
            section = chart.find_element(By.XPATH, "./ancestor::section")
            section.screenshot(str(DOCS / "connectivity.png"))
            # What-if (lesson 10): the tanh sweep's slider at s = 1.2.
            subprocess.run([str(RNNLAB), "run", str(ROOT / "lessons" / "10-vanishing-gradients.md"), "-o", str(out), "-q"], check=True)
            driver.get((out / "10-vanishing-gradients" / "index.html").as_uri())
            box = driver.find_element(By.CSS_SELECTOR, ".what-if")
            slider = box.find_element(By.CSS_SELECTOR, "input[type=range]")
            driver.execute_script("arguments[0].scrollIntoView(); arguments[0].value = 3; arguments[0].dispatchEvent(new Event('input'))", slider)
            panel = box.find_element(By.CSS_SELECTOR, ".wi-panel[data-index='3']")
            driver.execute_script("arguments[0].querySelector('.stepthrough').style.display = 'none'", panel)
            box.screenshot(str(DOCS / "what-if.png"))
            driver.execute_script("arguments[0].querySelector('.stepthrough').style.display = ''", panel)
        finally:
            driver.quit()
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(out / "13-lstm-gates" / "handout.pdf"),
                        str(DOCS / "handout-page")], check=True)
        (DOCS / "handout-page-1.png").rename(DOCS / "handout-page.png")


if __name__ == "__main__":
    main()
