"""The output folder as runs leave it: a report folder is replaced whole (a run killed with
SIGKILL at any moment leaves the previous report or the new one, never a mix, and the next run
clears what the killed one left), two runs into one folder at once both end up in its index,
and nothing is written through a link planted in the output folder."""
import json
import os
import random
import re
import signal
import subprocess
import time

LESSON = """---
title: Version {v}
seed: {v}
---
Prose of version {v}: loss {{{{ m.train.final_loss | fixed:4 }}}}.

```rnnlab
model: {{name: m, cell: lstm, input_size: 1, hidden_size: 6, output_size: 1}}
data: {{task: last_value, count: 16, length: 8}}
train: {{epochs: 3, batch_size: 8}}
step: {{}}
show: [summary, parameters, gates, heatmap, gradient_norms, loss_curve, unrolled, cell_graph, step_through]
```
"""


def folder_version(folder):
    """The version every file of a report folder says it is (asserting they agree), or None."""
    if not folder.exists():
        return None
    meta = json.loads((folder / "meta.json").read_text())
    v = re.fullmatch(r"Version (\d+)", meta["title"]).group(1)
    html = (folder / "index.html").read_text()
    md = (folder / "report.md").read_text()
    assert f"<title>Version {v}</title>" in html
    assert md.startswith(f"# Version {v}\n")
    assert f"Prose of version {v}:" in html and f"Prose of version {v}:" in md
    # Every file the report links is there, and no figure is left over from another run.
    linked = set(re.findall(r"\]\(((?:fig|table)-\d+\.\w+)\)", md))
    present = {p.name for p in folder.iterdir() if re.match(r"(fig|table)-\d+\.", p.name)}
    assert linked == present, (linked ^ present)
    return v


def test_a_killed_run_leaves_one_whole_report(tmp_path, rnnlab):
    lesson = tmp_path / "lesson.md"
    out = tmp_path / "out"
    lesson.write_text(LESSON.format(v=1))
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True, timeout=120)
    started = time.monotonic()
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True, timeout=120)
    duration = time.monotonic() - started
    rng = random.Random(13)
    seen = set()
    for k in range(2, 26):
        lesson.write_text(LESSON.format(v=k))
        before = folder_version(out / "lesson")
        p = subprocess.Popen([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path)
        if k % 6 == 5:
            # Some runs finish before the kill: the new report must then be the one in place.
            p.wait(timeout=120)
        elif k % 2:
            # Anywhere in the run.
            time.sleep(duration * 1.1 * rng.random())
        else:
            # In the write phase: as soon as a temporary file or folder appears, then a little later.
            deadline = time.monotonic() + 2 * duration + 5
            while p.poll() is None and time.monotonic() < deadline and not any(
                    n.endswith(".tmp") for n in os.listdir(out) if not n.startswith(".rnnlab")):
                time.sleep(0.0005)
            time.sleep(0.004 * rng.random())
        p.send_signal(signal.SIGKILL)
        p.wait()
        after = folder_version(out / "lesson")
        assert after in (before, str(k)), (before, after)
        seen.add(after == str(k))
    assert True in seen, "some runs should have replaced the report"
    # The next run removes what killed runs left behind.
    lesson.write_text(LESSON.format(v=99))
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True, timeout=120)
    assert folder_version(out / "lesson") == "99"
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_ctrl_c_during_long_training_stops_at_once_and_keeps_the_report(tmp_path, rnnlab):
    """Long work shows its progress and can be interrupted: Ctrl-C (SIGINT) during a training of
    minutes ends the run within a second, and the previous report is still whole."""
    lesson = tmp_path / "lesson.md"
    out = tmp_path / "out"
    lesson.write_text(LESSON.format(v=1))
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, check=True, timeout=120)
    lesson.write_text(LESSON.format(v=2).replace("train: {epochs: 3, batch_size: 8}", "train: {epochs: 100000, batch_size: 8}"))
    p = subprocess.Popen([rnnlab, "run", "lesson.md", "-o", "out"], cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    first = p.stderr.readline()  # progress: "lesson.md: train m 1/100000 loss …"
    assert "train m" in first and "/100000" in first, first
    p.send_signal(signal.SIGINT)
    sent = time.monotonic()
    p.wait(timeout=10)
    assert time.monotonic() - sent < 2
    assert p.returncode != 0
    assert folder_version(out / "lesson") == "1"
    assert [n.name for n in out.iterdir() if n.name.endswith(".tmp")] == []


def test_concurrent_runs_into_one_folder_are_all_listed(tmp_path, rnnlab):
    names = [f"l{k}" for k in range(4)]
    for k, name in enumerate(names):
        (tmp_path / f"{name}.md").write_text(f"---\ntitle: Lesson {k}\n---\nJust prose {k}.\n")
    for attempt in range(8):
        out = tmp_path / f"out{attempt}"
        procs = [subprocess.Popen([rnnlab, "run", f"{n}.md", "-o", out.name, "-q"], cwd=tmp_path) for n in names]
        assert all(p.wait(timeout=60) == 0 for p in procs)
        index = (out / "index.html").read_text()
        for n in names:
            assert f'href="{n}/index.html"' in index, (attempt, n)


def test_links_in_the_output_folder_are_never_written_through(tmp_path, rnnlab):
    (tmp_path / "lesson.md").write_text("---\ntitle: T\n---\nProse.\n")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    # A link where the report folder goes, and links where temporary files would be made.
    (out / "lesson").symlink_to(tmp_path)
    for pid in range(os.getpid(), os.getpid() + 200):
        (out / f".index.html.{pid}.0.tmp").symlink_to(victim)
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1 and "out/lesson exists and is not a report folder" in run.stderr, run.stderr
    assert victim.read_text() == "precious"
    (out / "lesson").unlink()
    run = subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert victim.read_text() == "precious"
    assert (out / "lesson" / "index.html").is_file() and not (out / "lesson").is_symlink()
