"""The corpus's own checks catch what they are meant to: injected elements on a page, writes
outside the output folder, leftover temporaries (so a passing case means something)."""
import pathlib

import harness

OWN = ('<script type="application/json" class="st-data">{"id": "st-01"}</script>'
       '<script>(function () {\n  "use strict";\n  var L = {};\n})();</script>')


def problems(page):
    c = harness.PageCheck()
    c.feed(page)
    c.close()
    return c.problems


def test_rnnlabs_own_scripts_pass():
    assert problems(f"<html><head><title>&lt;script&gt;</title></head><body>{OWN}"
                    "<p>&lt;img onerror=alert(1)&gt;</p></body></html>") == []


def test_injected_elements_are_found():
    for page in ["<title>x</title><script>alert(1337)</script>",
                 '<p title=""><img src=x onerror=alert(1337)>',
                 "<style></style><script>alert(1337)</script>",
                 "<iframe src=javascript:alert(1337)></iframe>",
                 '<a href=" JaVaScRiPt:alert(1337)">x</a>',
                 '<svg onload="alert(1337)"></svg>',
                 '<script type="application/json">{"a": "</script><script>alert(1337)</script>',
                 '<script>(function () {\n  "use strict";\n alert(1337) })();</script>',
                 '<meta http-equiv="refresh" content="0;url=x">',
                 '<object data="x"></object>']:
        assert problems(page), page


def test_writes_outside_and_leftovers_are_found(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("1")
    before = harness.snapshot(tmp_path, [])
    (tmp_path / "a" / "f").write_text("2")
    (tmp_path / "a" / ".index.html.1.0.tmp").write_text("")
    after = harness.snapshot(tmp_path, [])
    assert before != after
    assert harness.temporaries(tmp_path) == {"a/.index.html.1.0.tmp"}
    assert harness.snapshot(tmp_path, [tmp_path / "a"]) == {}


def test_every_case_folder_is_listed():
    folders = {p.name for p in pathlib.Path(harness.HERE, "cases").iterdir()}
    assert folders == {c["id"] for c in harness.load_cases()}


def test_a_leak_of_the_private_file_is_found(tmp_path):
    # A stand-in for rnnlab that copies the private file outside the lesson into its report.
    fake = tmp_path / "fake-rnnlab"
    fake.write_text('#!/bin/sh\nmkdir -p out/lesson && cat ../outside/secret.txt > out/lesson/report.md\n')
    fake.chmod(0o755)
    world = tmp_path / "world"
    world.mkdir()
    case = {"id": "path-secret-dotdot", "exit": 0}
    found, _ = harness.run_case(case, world, str(fake))
    assert any("private file" in p for p in found), found
