"""`rnnlab step` driven in a real pseudo-terminal: keys pressed, the screen read back through a
terminal emulator (pyte), its numbers checked against `rnnlab trace` of the same files, and the
terminal's settings checked to be given back after q, Ctrl-C, SIGTERM and an error."""
import fcntl
import json
import os
import pathlib
import pty
import select
import signal
import struct
import subprocess
import termios
import time
import unicodedata

import pyte
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "lessons" / "examples"
MODEL, SEQUENCE = str(EXAMPLES / "lstm.model.json"), str(EXAMPLES / "lstm.sequence.json")
GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"


def rnnlab_binary():
    for p in (os.environ.get("RNNLAB"), ROOT / ".build" / "debug" / "rnnlab", ROOT / ".build" / "release" / "rnnlab"):
        if p and pathlib.Path(p).exists():
            return str(p)
    pytest.fail("build rnnlab first (swift build)")


@pytest.fixture(scope="module")
def rnnlab():
    return rnnlab_binary()


@pytest.fixture(scope="module")
def trace(rnnlab):
    out = subprocess.run([rnnlab, "trace", MODEL, SEQUENCE], capture_output=True, check=True)
    return json.loads(out.stdout)


class Terminal:
    """A pty of rows × cols running one command, with a pyte screen fed from it."""

    def __init__(self, args, rows=24, cols=80, env=None):
        self.master, self.slave = pty.openpty()
        self.resize(rows, cols, signal_child=False)
        self.settings = termios.tcgetattr(self.slave)
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        e = dict(os.environ, TERM="xterm-256color", **(env or {}))
        e.pop("NO_COLOR", None) if not env or "NO_COLOR" not in env else None
        self.proc = subprocess.Popen(args, stdin=self.slave, stdout=self.slave, stderr=self.slave, env=e,
                                     start_new_session=True, preexec_fn=self._controlling)

    def _controlling(self):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def resize(self, rows, cols, signal_child=True):
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        if signal_child:
            self.screen.resize(rows, cols)
            self.proc.send_signal(signal.SIGWINCH)

    def pump(self, seconds=0.3):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                self.raw += data
                self.stream.feed(data)

    def wait_for(self, text, seconds=20):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(0.1)
            if text in self.text():
                return
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.text()}")

    def press(self, keys):
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)
        self.pump(0.4)

    def row(self, label):
        """The row of blocks and numbers for `label` (not an equation line)."""
        return next((l.rstrip() for l in self.screen.display if l.startswith(label + " ") and "=" not in l), None)

    def text(self):
        return "\n".join(self.screen.display)

    def line_with(self, start):
        return next((l.rstrip() for l in self.screen.display if l.lstrip().startswith(start)), None)

    def finish(self, seconds=10):
        end = time.monotonic() + seconds
        while self.proc.poll() is None and time.monotonic() < end:
            self.pump(0.1)
        self.pump(0.2)
        return self.proc.wait(timeout=1)

    def restored(self):
        return termios.tcgetattr(self.slave) == self.settings

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal():
    made = []

    def start(args, **kw):
        t = Terminal(args, **kw)
        made.append(t)
        return t
    yield start
    for t in made:
        t.close()


def columns(line):
    """Terminal columns: wide (Hangul) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def f4(v):
    return "0" if v == 0 else (f"{v:.3e}" if abs(v) < 1e-3 or abs(v) >= 1e5 else f"{v:.4f}")


def test_keys_walk_forward_and_backward_with_the_traces_numbers(rnnlab, trace, terminal):
    t = terminal([rnnlab, "step", MODEL, SEQUENCE])
    t.wait_for("t = 1 / 5")
    assert "forward" in t.text()
    fw = trace["forward"]
    # The first unit's equations at t = 1: h_t[1] is the trace's h at step 1.
    assert t.line_with("h_t[1]").endswith("= " + f4(fw[0]["h"][0])), t.text()
    t.press("n")
    t.press("\x1b[C")  # → one step right
    t.wait_for("t = 3 / 5")
    assert t.line_with("h_t[1]").endswith("= " + f4(fw[2]["h"][0]))
    assert t.line_with("c_t[1]").endswith("= " + f4(fw[2]["c"][0]))
    # The forget gate's row shows every unit's value at t = 3, to three decimals.
    f_row = t.row("f_t")
    for v in fw[2]["gates"]["f"]:
        assert f"{v:+.3f}" in f_row, (f_row, v)
    # u: the next unit; its equations follow.
    t.press("u")
    t.wait_for("h_t[2]")
    assert t.line_with("h_t[2]").endswith("= " + f4(fw[2]["h"][1]))
    # b: the backward pass at the same step; dL/dh_t[2] is the trace's dh at t = 3.
    t.press("b")
    t.wait_for("backward")
    assert "t = 3 / 5" in t.text()
    bw = {b["t"]: b for b in trace["backward"]}
    assert t.line_with("dL/dh_t[2]").endswith("= " + f4(bw[3]["dh"][1])), t.text()
    assert t.line_with("dL/dc_t[2]").endswith("= " + f4(bw[3]["dc"][1]))
    norm = t.line_with("‖dL/dh_t‖ =")
    assert norm.startswith(f"‖dL/dh_t‖ = {bw[3]['dh_norm']:.4g}"), norm
    # n in the backward pass goes back in time; End is t = 0, whose gradient reaches h_0.
    t.press("n")
    t.wait_for("t = 2 / 5")
    t.press("\x1b[F")
    t.wait_for("t = 0 / 5")
    assert t.line_with("dL/dh_t[2]").endswith("= " + f4(bw[0]["dh"][1]))
    # f: forward again, at the nearest step there is (t = 1); ? shows the help, any key closes it.
    t.press("f")
    t.wait_for("forward · t = 1 / 5")
    t.press("?")
    t.wait_for("Keys")
    t.press("x")
    t.wait_for("h_t[2]")
    t.press("q")
    assert t.finish() == 0
    assert t.restored()
    assert t.raw.endswith(b"\x1b[?1049l") or b"\x1b[?1049l" in t.raw[-64:]


def test_space_plays_to_the_end_of_the_pass(rnnlab, terminal):
    t = terminal([rnnlab, "step", MODEL, SEQUENCE])
    t.wait_for("t = 1 / 5")
    t.press(" ")
    t.wait_for("t = 5 / 5", seconds=8)
    t.press("q")
    assert t.finish() == 0


def test_the_terminal_is_given_back_after_ctrl_c_and_sigterm(rnnlab, terminal):
    for how in ("ctrl-c", "sigterm"):
        t = terminal([rnnlab, "step", MODEL, SEQUENCE])
        t.wait_for("t = 1 / 5")
        assert not t.restored()  # raw mode while it runs
        if how == "ctrl-c":
            t.press("\x03")
        else:
            t.proc.send_signal(signal.SIGTERM)
        rc = t.finish()
        assert rc == -(signal.SIGINT if how == "ctrl-c" else signal.SIGTERM), (how, rc)
        assert t.restored(), how
        assert b"\x1b[?1049l" in t.raw[-64:], how


def test_an_error_leaves_the_terminal_as_it_was(rnnlab, terminal, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"cell": "lstn"}')
    t = terminal([rnnlab, "step", str(bad), SEQUENCE])
    assert t.finish() == 1
    assert t.restored()
    assert b"\x1b[?1049h" not in t.raw
    assert "bad.json" in t.raw.decode(errors="replace")


WIDE = """---
title: Wide
seed: 5
---

```rnnlab
model: {name: m, cell: lstm, input_size: 1, hidden_size: 32, output_size: 1}
data: {name: d, task: sum, count: 2, length: 30}
step: {}
show: step_through
```
"""


def test_80_by_24_fits_and_a_resize_redraws_at_the_new_size(rnnlab, terminal, tmp_path):
    lesson = tmp_path / "wide.md"
    lesson.write_text(WIDE)
    t = terminal([rnnlab, "step", str(lesson)], rows=24, cols=80)
    t.wait_for("t = 1 / 30")
    # Everything on 24 lines of 80: the keys on the last one, the other units summarised.
    assert "q quit" in t.screen.display[-1] or "q quit" in t.screen.display[-2], t.text()
    assert "min" in t.row("h_t") and "the other" in t.text()
    narrow = t.row("h_t").count(".")
    t.resize(30, 200)
    t.pump(0.8)
    wide = t.row("h_t").count(".")
    assert wide > narrow, (narrow, wide)
    assert "t = 1 / 30" in t.text()
    t.press("q")
    assert t.finish() == 0
    assert t.restored()


def test_no_color_turns_colour_off(rnnlab, terminal):
    t = terminal([rnnlab, "step", MODEL, SEQUENCE], env={"NO_COLOR": "1"})
    t.wait_for("t = 1 / 5")
    t.press("q")
    t.finish()
    assert b"\x1b[38;5;" not in t.raw
    t2 = terminal([rnnlab, "step", MODEL, SEQUENCE])
    t2.wait_for("t = 1 / 5")
    t2.press("q")
    t2.finish()
    assert b"\x1b[38;5;" in t2.raw


def test_plain_output_matches_its_golden_file(rnnlab):
    out = subprocess.run([rnnlab, "step", MODEL, SEQUENCE, "--plain"], capture_output=True, check=True).stdout.decode()
    assert "\x1b" not in out
    golden = GOLDEN / "lstm-plain.txt"
    if os.environ.get("RNNLAB_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert out == golden.read_text()
    # Piped output is plain too, the same bytes.
    piped = subprocess.run([rnnlab, "step", MODEL, SEQUENCE], capture_output=True, check=True, stdin=subprocess.DEVNULL).stdout.decode()
    assert piped == out
    # Every line fits 80 columns.
    assert max(columns(l) for l in out.splitlines()) <= 80


def test_a_lessons_step_through_in_korean(rnnlab, tmp_path):
    lesson = tmp_path / "l.md"
    lesson.write_text("---\ntitle: 단계\nlanguage: ko\nseed: 3\n---\n\n```rnnlab\n"
                      "model: {name: m, cell: gru, input_size: 1, hidden_size: 12, output_size: 1}\n"
                      "data: {name: d, task: sum, count: 2, length: 6}\nstep: {}\nshow: step_through\n```\n", encoding="utf-8")
    out = subprocess.run([rnnlab, "step", str(lesson), "--cell", "1", "--plain", "--width", "80"], capture_output=True, check=True).stdout.decode()
    assert "순방향" in out and "역방향" in out and "z_t[1]" in out
    assert max(columns(l) for l in out.splitlines()) <= 80
    # A cell number beyond the lesson's step-throughs is a usage error.
    bad = subprocess.run([rnnlab, "step", str(lesson), "--cell", "2"], capture_output=True)
    assert bad.returncode == 64 and b"--cell 2" in bad.stderr
