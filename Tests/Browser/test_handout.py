"""`rnnlab run --handout` as a teacher prints it: the PDF's paper (A4, or Letter with
`--paper letter`), a footer on every page with the lesson's title, the rnnlab version, the seed and
"page n / N" (Korean "n / N 쪽"), nothing screen-only on any page, Chromium's own date and URL
gone (the same report prints to the same bytes), and the step-through printed as tables of the
trace's numbers. Needs pdfinfo and pdftotext (poppler-utils)."""
import json
import random
import re
import shutil
import subprocess

import pytest

from conftest import random_lstm

X, H, Y, T = 2, 3, 1, 6
TITLE = 'Tiny "LSTM" a\\b'  # a quote and a backslash, which the footer's CSS string must escape

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
                                reason="needs poppler-utils (scripts/setup installs it)")


def write_lesson(tmp, language="en"):
    rng = random.Random(11)
    w, xs = random_lstm(rng, X, H, T)
    ts = [[round(rng.uniform(-1, 1), 3)] for _ in range(T)]
    (tmp / "model.json").write_text(json.dumps(
        {"cell": "lstm", "input_size": X, "hidden_size": H, "output_size": Y, "weights": w}))
    (tmp / "seq.json").write_text(json.dumps({"x": xs, "loss": "mse_all", "targets": ts}))
    # Enough prose for several pages, so "every page" means something.
    para = ("Prose that fills the page, so the handout has more than one page and every page "
            "must carry the footer. " * 12).strip()
    prose = "\n\n".join(f"## Part {k}\n\n{para}" for k in range(1, 5))
    lesson = f"""---
title: '{TITLE}'
language: {language}
seed: 7
---
{prose}

```rnnlab
model: {{name: m, weights: model.json}}
data: {{name: d, task: inline, loss: mse_all, sequences: [{{x: {json.dumps(xs)}, targets: {json.dumps(ts)}}}]}}
step: {{}}
show: [step_through, gates]
```
"""
    (tmp / "lesson.md").write_text(lesson)


def handout(tmp, rnnlab, *extra):
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q", "--handout", *extra],
                         cwd=tmp, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    pdf = tmp / "out" / "lesson" / "handout.pdf"
    assert pdf.exists()
    assert not list((tmp / "out" / "lesson").glob(".handout*")), "temporary files are removed"
    return pdf


def info(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pages(pdf, layout=False):
    """The text of every page, in order."""
    n = int(info(pdf)["Pages"])
    out = []
    for k in range(1, n + 1):
        args = ["pdftotext", "-f", str(k), "-l", str(k)] + (["-layout"] if layout else []) + [str(pdf), "-"]
        out.append(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    return out


def version(rnnlab):
    return subprocess.run([rnnlab, "--version"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def english(tmp_path_factory, rnnlab):
    tmp = tmp_path_factory.mktemp("handout")
    write_lesson(tmp)
    pdf = handout(tmp, rnnlab)
    return {"tmp": tmp, "pdf": pdf, "pages": pages(pdf)}


def test_a4_with_the_footer_on_every_page(english, rnnlab):
    size = info(english["pdf"])["Page size"]
    assert "(A4)" in size, size
    texts = english["pages"]
    n = len(texts)
    assert n >= 2, "the lesson is long enough for several pages"
    v = version(rnnlab)
    assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
    for k, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert f"{TITLE} · rnnlab {v} · seed 7" in flat, (k, flat[-300:])
        assert f"page {k} / {n}" in flat, (k, flat[-300:])


def test_nothing_screen_only_is_printed(english):
    for k, text in enumerate(english["pages"], start=1):
        low = text.lower()
        for word in ("hover", "keys:", "file://", "speed", "forward pass", "backward pass", "◀", "▶"):
            assert word not in low, (k, word)
        # Chromium's own header had the print date.
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text), (k, text[:200])


def test_the_same_report_prints_the_same_bytes(english, rnnlab):
    first = english["pdf"].read_bytes()
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    again = handout(english["tmp"], rnnlab).read_bytes()
    assert again == first


def test_letter_paper(tmp_path, rnnlab):
    write_lesson(tmp_path)
    pdf = handout(tmp_path, rnnlab, "--paper", "letter")
    size = info(pdf)["Page size"]
    assert "(letter)" in size, size
    texts = pages(pdf)
    assert all(f"page {k} / {len(texts)}" in " ".join(t.split()) for k, t in enumerate(texts, start=1))


def test_paper_needs_handout_and_a_known_size(tmp_path, rnnlab):
    write_lesson(tmp_path)
    for args in (["--paper", "letter"], ["--handout", "--paper", "a5"]):
        run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q", *args], cwd=tmp_path,
                             capture_output=True, text=True)
        assert run.returncode == 64, (args, run.stderr)
        assert "--paper" in run.stderr


def test_korean_footer(tmp_path, rnnlab):
    write_lesson(tmp_path, language="ko")
    texts = pages(handout(tmp_path, rnnlab))
    n = len(texts)
    assert n >= 2
    for k, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert f"{TITLE} · rnnlab {version(rnnlab)} · 시드 7" in flat, (k, flat[-300:])
        # pdftotext may drop the narrow spaces of the Korean font around "/"
        assert re.search(rf"\b{k} ?/ ?{n} ?쪽", flat), (k, flat[-300:])
        assert not re.search(r"page \d+ / \d+", flat) and "단축키" not in flat
    assert "선택한 시점" in " ".join(texts), "the step-through's print version is in Korean too"


def fixed(v):
    s = f"{v:.3f}"
    return s[1:] if s.startswith("-") and set(s[1:]) <= set("0.") else s


def short(v):
    a = abs(v)
    return "0" if v == 0 else (f"{v:.4g}" if 1e-3 <= a < 1e5 else f"{v:.3e}")


def test_step_through_prints_the_trace_numbers(english, rnnlab):
    tmp = english["tmp"]
    subprocess.run([rnnlab, "trace", "model.json", "seq.json", "-o", "trace.json"], cwd=tmp, check=True)
    trace = json.loads((tmp / "trace.json").read_text())
    text = " ".join(" ".join(pages(english["pdf"], layout=True)).split())
    assert "Chosen steps of T = 6" in text
    # Every step is chosen when there are six; the tables are laid out three across, so a row
    # of one step's table is its label followed by that step's values, unit by unit.
    for t in range(1, T + 1):
        step = trace["forward"][t - 1]
        assert re.search(rf"\bt ?= ?{t}\b", text), t  # the caption (pdftotext may drop its spaces)
        for gate, label in (("f", "σ f_t"), ("i", "σ i_t"), ("c_tilde", "tanh c̃_t"), ("o", "σ o_t")):
            row = label + " " + " ".join(fixed(v) for v in step["gates"][gate])
            assert row in text, (t, row)
        for key in ("c", "h"):
            row = f"{key}_t " + " ".join(fixed(v) for v in step[key])
            assert row in text, (t, row)
        assert "x_t " + ", ".join(short(v) for v in json.loads((tmp / "seq.json").read_text())["x"][t - 1]) in text
        assert "‖dL/dh_t‖ " + short(trace["backward"][t]["dh_norm"]) in text, t


EXERCISES = """---
title: Exercises
seed: 5
---
Prose before the exercises.

```rnnlab
model: {cell: rnn, input_size: 1, hidden_size: 4, output_size: 1}
```

::: exercise Count the recurrent weights $W_{hh}$
How many numbers does $W_{hh}$ hold when $H = 4$? QUESTIONTEXT
::: solution
SOLUTIONTEXT: it is $H \\times H$, as the table shows.

```rnnlab
show: parameters
```
::: answer
ANSWERTEXT {{ 4 * 4 | int }} weights.
:::

::: exercise An open question
OPENQUESTION with no solution.
:::
"""


def test_students_and_instructors_versions(tmp_path, rnnlab):
    (tmp_path / "lesson.md").write_text(EXERCISES)
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q", "--handout", "--instructor"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "lesson"
    assert not list(folder.glob(".handout*")), "temporary files are removed"
    v = version(rnnlab)
    students = pages(folder / "handout.pdf")
    text = "\n".join(students)
    assert "QUESTIONTEXT" in text and "OPENQUESTION" in text
    for hidden in ("SOLUTIONTEXT", "ANSWERTEXT", "Answer key", "Weights of"):
        assert hidden not in text, f"{hidden!r} is in the students' handout"
    for k, page in enumerate(students, 1):
        assert f"page {k} / {len(students)}" in page and f"rnnlab {v}" in page and "seed 5" in page
    teacher = pages(folder / "handout-instructor.pdf")
    text = "\n".join(teacher)
    for shown in ("QUESTIONTEXT", "SOLUTIONTEXT", "ANSWERTEXT 16 weights", "Weights of", "Answer key", "OPENQUESTION"):
        assert shown in text, f"{shown!r} is missing from the instructor's handout"
    # The answer key comes after everything else, and repeats the short answer.
    key = text.index("Answer key")
    assert text.index("OPENQUESTION") < key and "ANSWERTEXT 16 weights" in text[key:]
    for k, page in enumerate(teacher, 1):
        assert f"page {k} / {len(teacher)}" in page and "instructor's version" in page
    # On the page the solution is folded and the answer key too.
    html = (folder / "index.html").read_text()
    assert '<details class="solution">' in html and '<details class="answer-key" id="answer-key">' in html


def test_instructors_version_alone(tmp_path, rnnlab):
    (tmp_path / "lesson.md").write_text(EXERCISES.replace("title: Exercises", "title: 연습\nlanguage: ko"))
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q", "--instructor"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "out" / "lesson"
    assert not (folder / "handout.pdf").exists()
    teacher = pages(folder / "handout-instructor.pdf")
    text = "\n".join(teacher)
    assert "풀이" in text and "정답" in text and "연습 문제 1" in text and "SOLUTIONTEXT" in text
    for k, page in enumerate(teacher, 1):
        assert f"{k}/{len(teacher)}쪽" in re.sub(r"\s", "", page) and "교사용" in page
