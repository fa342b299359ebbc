"""The adversarial corpus of issue 13: every case in cases.yaml, run by the rnnlab binary in a
temporary copy of its folder (see harness.py for what is checked).

Cases rnnlab gets wrong today carry `known_failure:` in cases.yaml and run as
xfail(strict=True): the suite passes, and turns red as soon as a fix lands without the manifest
being updated. The cases run four at a time (most of the time is spent waiting on timeouts)."""
import concurrent.futures
import os
import pathlib
import tempfile

import pytest

import harness

CASES = harness.load_cases()
WORKERS = int(os.environ.get("RNNLAB_CORPUS_WORKERS", "4"))


def _params():
    out = []
    for case in CASES:
        marks = []
        if case.get("known_failure"):
            marks.append(pytest.mark.xfail(strict=True, reason="issue 13: " + case["known_failure"]))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def _run(case, rnnlab):
    with tempfile.TemporaryDirectory(prefix="rnnlab-adv-") as d:
        return harness.run_case(case, pathlib.Path(d), rnnlab)



@pytest.fixture(scope="session")
def results(request, rnnlab):
    """Futures of every selected case, started together."""
    wanted = [item.callspec.params["case"] for item in request.session.items
              if item.module.__name__ == __name__ and hasattr(item, "callspec")]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS)
    futures = {case["id"]: pool.submit(_run, case, rnnlab) for case in wanted}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def test_manifest_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(ids) >= 90
    folders = {p.name for p in (harness.HERE / "cases").iterdir() if p.is_dir()}
    assert folders == set(ids), folders ^ set(ids)
    for c in CASES:
        assert c.get("tests"), c["id"]
        codes = c["exit"] if isinstance(c["exit"], list) else [c["exit"]]
        assert set(codes) <= {0, 1, 64}, c["id"]
        if codes != [0]:
            assert c.get("stderr"), f"{c['id']}: an error case needs its expected message"


@pytest.mark.parametrize("case", _params())
def test_case(case, results):
    problems, info = results[case["id"]].result()
    assert not problems, (f"{case['id']} ({case['tests']}): exit {info['exit']} in {info['seconds']} s, "
                          f"stderr {info['first']!r}\n  - " + "\n  - ".join(problems))
