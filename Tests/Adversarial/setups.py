"""Set-up steps for cases whose files are too large to commit or must be made at test time.

Each function takes the case's temporary folder and the rnnlab binary, and writes what the case
needs. cases.yaml names them with `setup:`; the line numbers its messages expect are the ones
these functions write (commented at each)."""
import json
import os
import subprocess

FM = "---\ntitle: Adversarial\n---\n\nSome prose.\n\n"  # lines 1-6; a cell's fence is line 7
MODEL = "model: {name: m, cell: lstm, input_size: 1, hidden_size: 4, output_size: 1}"
DATA = "data: {name: d, task: last_value, count: 16, length: 5}"

X = [[-0.7, -0.12], [-0.52, -0.2], [-0.81, 0.94], [-0.57, 0.34], [-0.4, 0.75]]


def _cell(*lines):
    return "```rnnlab\n" + "\n".join(lines) + "\n```\n"


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def _next_pids(count):
    """Pids the next processes are likely to get (Linux hands them out in order)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return range(p.pid + 1, p.pid + 1 + count)


def huge_front_matter(folder, rnnlab):
    tags = "".join(f"  - tag{k}\n" for k in range(50_000))
    _write(folder, "lesson.md", "---\ntitle: Many tags\ntags:\n" + tags + "---\n\nProse.\n")


def huge_title(folder, rnnlab):
    _write(folder, "lesson.md", "---\ntitle: " + "Long " * 60_000 + "\n---\n\nProse.\n")


def utf16_lesson(folder, rnnlab):
    (folder / "lesson.md").write_bytes("---\ntitle: Sixteen\n---\n\nProse.\n".encode("utf-16"))


def deep_flow(folder, rnnlab):
    # line 8: show: [[[[…]]]]
    _write(folder, "lesson.md", FM + _cell("show: " + "[" * 100_000 + "]" * 100_000))


def deep_block(folder, rnnlab):
    # line 8: model:, then 3,000 nested keys
    nested = "".join("  " * (k + 1) + f"k{k}:\n" for k in range(3000))
    _write(folder, "lesson.md", FM + "```rnnlab\nmodel:\n" + nested + "```\n")


def million_digits(folder, rnnlab):
    # line 8: hidden_size of 1,000,000 digits
    _write(folder, "lesson.md", FM + _cell(
        "model: {name: m, cell: lstm, input_size: 1, hidden_size: " + "9" * 1_000_000 + ", output_size: 1}"))


def million_digit_float(folder, rnnlab):
    # line 10: learning_rate 0.00000000001111… with 1,000,000 digits
    _write(folder, "lesson.md", FM + _cell(
        MODEL, DATA, "train: {epochs: 1, learning_rate: 0." + "0" * 10 + "1" * 999_990 + "}"))


def four_mb_dup(folder, rnnlab):
    # lines 8-12: data: … sequences:, lines 13-40012: 40,000 one-line sequences of ~100 characters,
    # lines 40013-40015: a block sequence whose targets: appear twice (the second on line 40015).
    row = "    - {x: [" + ", ".join(["[0.125]"] * 10) + "], targets: [0.5]}\n"
    text = (FM + "```rnnlab\ndata:\n  name: d\n  task: inline\n  loss: mse_last\n  sequences:\n" + row * 40_000
            + "    - x: [[1]]\n      targets: [1]\n      targets: [2]\n```\n")
    assert text.count("\n", 0, text.index("      targets: [2]")) + 1 == 40015
    _write(folder, "lesson.md", text)


def long_option_name(folder, rnnlab):
    # line 8
    _write(folder, "lesson.md", FM + _cell("model: {name: m, " + "x" * 100_000 + ": 1}"))


def long_prose_line(folder, rnnlab):
    _write(folder, "lesson.md", FM + "word " * 200_000 + "\n")


def planted_tmp(folder, rnnlab):
    """Links named as rnnlab's temporaries for the output index, pointing at the sentinel."""
    out = folder / "out"
    out.mkdir()
    for pid in _next_pids(400):
        for name in (f".index.html.{pid}.tmp", f".index.html.{pid}.0.tmp", f".index.html.{pid}.1.tmp"):
            os.symlink("../../sentinel.txt", out / name)


def planted_trace_tmp(folder, rnnlab):
    for pid in _next_pids(400):
        for name in (f".t.json.{pid}.tmp", f".t.json.{pid}.0.tmp", f".t.json.{pid}.1.tmp"):
            os.symlink("../sentinel.txt", folder / name)


def report_file_symlink(folder, rnnlab):
    """A first run makes out/lesson; then its report.md and a figure become links to the sentinel."""
    subprocess.run([rnnlab, "run", "lesson.md", "-o", "out", "-q"], cwd=folder, check=True, timeout=60,
                   capture_output=True)
    report = folder / "out" / "lesson"
    for name in ("report.md", "values.json"):
        (report / name).unlink()
        os.symlink("../../../sentinel.txt", report / name)


def trace_million_digits(folder, rnnlab):
    # line 4: row 1 of x holds a number of 1,000,000 digits
    rows = [json.dumps(r) for r in X]
    rows[1] = "[1" + "0" * 999_999 + ", 0.5]"
    _write(folder, "sequence.json", '{\n  "x": [\n    ' + ",\n    ".join(rows) + '\n  ],\n  "loss": "mse_last",\n  "targets": [0.5]\n}\n')


def trace_deep(folder, rnnlab):
    _write(folder, "sequence.json", '{"x": ' + "[" * 100_000 + "]" * 100_000 + ', "loss": "mse_last", "targets": [0.5]}\n')


def trace_utf16(folder, rnnlab):
    text = json.dumps({"x": X, "loss": "mse_last", "targets": [0.5]}, indent=2)
    (folder / "sequence.json").write_bytes(text.encode("utf-16"))


def embedding_model(folder, rnnlab):
    """A vanilla RNN with a 4-word embedding (vocab_size 4, input_size 2, hidden_size 3)."""
    model = {
        "cell": "rnn", "input_size": 2, "hidden_size": 3, "output_size": 1, "vocab_size": 4,
        "weights": {
            "E": [[0.1, -0.2], [0.3, 0.05], [-0.4, 0.2], [0.25, 0.1]],
            "W_xh": [[0.1, 0.2], [-0.3, 0.1], [0.05, -0.2]],
            "W_hh": [[0.2, -0.1, 0.05], [0.1, 0.3, -0.2], [-0.05, 0.1, 0.25]],
            "b_h": [0.0, 0.0, 0.0],
            "W_hy": [[0.3, -0.2, 0.1]],
            "b_y": [0.0],
        },
    }
    _write(folder, "model.json", json.dumps(model, indent=2))


def sweep_many_values(folder, rnnlab):
    # line 10: sweep over 100,000 lengths of 100,000 steps
    _write(folder, "lesson.md", FM + _cell(
        "model: {name: m, cell: rnn, input_size: 1, hidden_size: 4, output_size: 1}", DATA,
        "sweep: {parameter: length, values: [" + ", ".join(["100000"] * 100_000) + "]}"))
