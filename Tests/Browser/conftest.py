"""Browser tests: a real Chromium (Debian's chromium + chromium-driver) driven by selenium from
pip, opening generated reports from file:// with no network."""
import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


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
