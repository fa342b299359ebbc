"""Runs one case of the adversarial corpus and lists what went wrong.

Also a command: `python3 Tests/Adversarial/harness.py [ID…]` runs the cases (all by default),
ignoring known_failure, and prints each one's verdict, exit code, time and first stderr line."""
import hashlib
import html.parser
import json
import errno
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import setups  # noqa: E402

BACKTRACE = ("Fatal error", "Swift runtime failure", "Stack dump", "Current stack trace", "💣", "Program crashed", "Illegal instruction",
             "Segmentation fault", "Backtrace", "Thread 0 crashed")
MAX_LINE = 300
DEFAULT_TIMEOUT = 20
SENTINEL = "precious: rnnlab must never write here\n"
PRIVATE = "a student's private file: 7f3c9a grade B+"


def rnnlab_binary():
    """As Tests/Browser/conftest.py finds it: $RNNLAB, else .build/debug, else .build/release."""
    for p in (os.environ.get("RNNLAB"), ROOT / ".build" / "debug" / "rnnlab", ROOT / ".build" / "release" / "rnnlab"):
        if p and pathlib.Path(p).exists():
            return str(pathlib.Path(p).resolve())
    return None


def load_cases():
    return yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))


OUTSIDE_MODEL = {
    "cell": "rnn", "input_size": 1, "hidden_size": 2, "output_size": 1,
    "weights": {"W_xh": [[0.5], [-0.5]], "W_hh": [[0.1, 0.2], [0.3, 0.4]], "b_h": [0.0, 0.0],
                "W_hy": [[1.0, 1.0]], "b_y": [0.0]},
}


def make_world(tmp, case):
    """tmp/sentinel.txt and tmp/outside/ (files a hostile lesson would like to read or overwrite),
    tmp/case/ (a copy of the case's folder, prepared): returns the case folder."""
    (tmp / "sentinel.txt").write_text(SENTINEL)
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "model.json").write_text(json.dumps(OUTSIDE_MODEL, indent=2))
    (outside / "prices.csv").write_text("day,close\n" + "".join(f"{k},{100 + k}\n" for k in range(1, 30)))
    (outside / "secret.txt").write_text(PRIVATE + "\n")
    folder = tmp / "case"
    shutil.copytree(HERE / "cases" / case["id"], folder, symlinks=True)
    keep = folder / ".keep"
    if keep.exists():
        keep.unlink()
    if case.get("bytes"):
        for p in folder.rglob("*"):
            if p.is_file() and not p.is_symlink():
                data = p.read_bytes()
                p.write_bytes(re.sub(rb"%%x([0-9A-Fa-f]{2})%%", lambda m: bytes([int(m.group(1), 16)]), data))
    nl = case.get("newlines")
    if nl:
        p = folder / "lesson.md"
        p.write_bytes(p.read_bytes().replace(b"\n", {"crlf": b"\r\n", "cr": b"\r"}[nl]))
    for name, target in (case.get("symlinks") or {}).items():
        link = folder / name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)
    for name in case.get("fifos") or []:
        os.mkfifo(folder / name)
    for name, size in (case.get("sparse") or {}).items():
        with open(folder / name, "wb") as f:
            f.truncate(size)
    return folder


def snapshot(top, skip):
    """Every entry under `top` (not following links) with its kind and content hash, except the
    paths in `skip` and what is below them."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(top):
        d = pathlib.Path(dirpath)
        for name in list(dirnames) + filenames:
            p = d / name
            if any(p == s or s in p.parents for s in skip):
                if name in dirnames:
                    dirnames.remove(name)
                continue
            rel = str(p.relative_to(top))
            if p.is_symlink():
                state[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                state[rel] = ("dir",)
            elif p.is_file():
                h = hashlib.sha256()
                with open(p, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                state[rel] = ("file", h.hexdigest())
            else:
                state[rel] = ("other",)
    return state


def temporaries(top):
    found = set()
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            if name.endswith(".tmp") or re.search(r"\.tmp[.-]", name):
                found.add(str(pathlib.Path(dirpath, name).relative_to(top)))
    return found


# How rnnlab's own inline scripts begin (the step-through player, the projector toggle, the
# timings, the index's language switch).
OWN_SCRIPTS = ('(function () {\n  "use strict";', '(function () {\n  var b = document.querySelector(".projector-toggle")',
               '(function () {\n  var t = window.rnnlabTimings || {};',
               '(function () {\n  var buttons = document.querySelectorAll(".lang-switch button");')


class PageCheck(html.parser.HTMLParser):
    """Finds what no injected text may become on a page: a script other than rnnlab's own (its
    JSON data blocks and its step-through script), an on* attribute, an iframe or other embedding,
    a javascript:/vbscript:/data:text URL, a refresh."""
    FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "portal", "form", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.script = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in self.FORBIDDEN and not (tag == "link" and a.get("rel") in ("icon",) and a.get("href", "").startswith("data:image/")):
            self.problems.append(f"<{tag}> element")
        for k, v in a.items():
            if k.startswith("on"):
                self.problems.append(f"<{tag} {k}=…> event-handler attribute")
            if k in ("href", "src", "xlink:href", "action", "formaction", "data", "poster", "srcdoc"):
                u = re.sub(r"[\s\x00-\x1f]", "", v).lower()
                if u.startswith(("javascript:", "vbscript:", "data:text", "data:application")) or k == "srcdoc":
                    self.problems.append(f"<{tag} {k}={v[:60]!r}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self.script = (a, [])

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            a, parts = self.script
            self.script = None
            body = "".join(parts)
            kind = a.get("type", "").lower()
            if "src" in a:
                if not re.fullmatch(r"[\w.-]+\.js", a["src"]):
                    self.problems.append(f"<script src={a['src'][:60]!r}>")
            elif kind == "application/json":
                try:
                    json.loads(body)
                except ValueError:
                    self.problems.append("a JSON <script> block that is not JSON (broken out of?)")
            elif kind in ("", "text/javascript", "module"):
                if not body.lstrip().startswith(OWN_SCRIPTS) or "1337" in body or "alert(" in body:
                    self.problems.append(f"a <script> that is not rnnlab's: {body[:80]!r}")
            else:
                self.problems.append(f"<script type={kind!r}>")

    def handle_data(self, data):
        if self.script is not None:
            self.script[1].append(data)


def check_pages(out):
    problems = []
    if not out.is_dir():
        return problems
    for p in sorted(out.rglob("*.html")):
        if p.is_symlink() or not p.is_file():
            continue
        checker = PageCheck()
        checker.feed(p.read_text(encoding="utf-8", errors="replace"))
        checker.close()
        problems += [f"{p.relative_to(out.parent)}: {x}" for x in checker.problems]
    return problems


def output_target(args):
    for flag in ("-o", "--output"):
        if flag in args[:-1]:
            return args[args.index(flag) + 1]
    return "output" if args[:1] == ["run"] else None


def spawn(command, folder):
    """Starts rnnlab. This sandbox's kernel has twice refused an exec with EFAULT ("Bad address")
    under load, before rnnlab ran at all (so nothing about rnnlab was being tested); such a start
    is tried again, up to twice. What rnnlab then does is checked as before."""
    for attempt in range(3):
        try:
            return subprocess.Popen(command, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as error:
            if error.errno != errno.EFAULT or attempt == 2:
                raise
            time.sleep(0.2)


def run_case(case, tmp, rnnlab):
    """Runs `case` in `tmp` (an empty folder). Returns (problems, info)."""
    folder = make_world(tmp, case)
    if case.get("setup"):
        getattr(setups, case["setup"])(folder, rnnlab)
    args = shlex.split(case.get("command", "run lesson.md -o out"))
    target = output_target(args)
    out = folder / target if target else None
    tmps_before = temporaries(tmp)
    before = snapshot(tmp, [])
    timeout = case.get("timeout", DEFAULT_TIMEOUT)
    started = time.monotonic()
    proc = spawn([rnnlab] + args, folder)
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    rc = proc.returncode
    text = stderr.decode("utf-8", errors="replace")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    info = {"exit": rc, "seconds": round(seconds, 2), "first": first[:MAX_LINE] + ("…" if len(first) > MAX_LINE else ""),
            "stderr_bytes": len(stderr), "lines": len(lines)}
    problems = []
    if timed_out:
        problems.append(f"timed out after {timeout} s")
    if not timed_out and case.get("max_seconds") and seconds > case["max_seconds"]:
        problems.append(f"took {seconds:.1f} s, more than {case['max_seconds']} s")
    expected = case["exit"] if isinstance(case["exit"], list) else [case["exit"]]
    if not timed_out and rc not in expected:
        problems.append(f"exit {rc}, expected {' or '.join(map(str, expected))}" + (f" (killed by signal {-rc})" if rc < 0 else ""))
    for marker in BACKTRACE:
        if marker in text:
            problems.append(f"backtrace in stderr ({marker!r})")
            break
    if rc not in (0, None) and not timed_out:
        if case.get("stderr") and not re.match(case["stderr"], first):
            problems.append(f"first stderr line does not match {case['stderr']!r}")
        # Bad input: one line. Usage errors (64) may add swift-argument-parser's usage lines.
        if len(lines) != 1 and rc != 64:
            problems.append(f"an error should be one line of stderr, got {len(lines)}")
    long = [len(x) for x in lines if len(x) > MAX_LINE]
    if long:
        problems.append(f"stderr line of {max(long):,} characters (limit {MAX_LINE})")
    if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", stderr) or re.search("[\x80-\x9f]", text):
        problems.append("raw control bytes in stderr")
    try:
        stderr.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(f"stderr is not UTF-8 (a raw byte {stderr[e.start:e.start + 1]!r} echoed from the input)")
    # Nothing written outside the output folder (or the -o file, when the command succeeded).
    skip = [out] if out and (args[0] == "run" or rc == 0) else []
    after = snapshot(tmp, skip)
    before = {k: v for k, v in before.items() if not any(tmp / k == s or s in (tmp / k).parents for s in skip)}
    # The output folder's parents may be created (-o out/a/b).
    made = {str(p.relative_to(tmp)) for p in (out.parents if out else []) if tmp in p.parents}
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                     and not (k in made and k not in before and after.get(k) == ("dir",)))
    if (tmp / "sentinel.txt").read_text() != SENTINEL:
        problems.append("wrote through a link into sentinel.txt outside the case folder")
    if changed:
        problems.append("changed outside the output: " + ", ".join(changed[:5]) + (" …" if len(changed) > 5 else ""))
    left = sorted(temporaries(tmp) - tmps_before)
    if left:
        problems.append("temporary files left: " + ", ".join(left[:3]))
    # Pages: no injected element, whatever the case.
    if out and out.is_dir() and not out.is_symlink():
        problems += check_pages(out)
    if case.get("max_output_mb") and out and out.is_dir():
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and not p.is_symlink())
        if size > case["max_output_mb"] << 20:
            problems.append(f"wrote {size / (1 << 20):.0f} MiB of report (limit {case['max_output_mb']} MiB)")
    # Nothing of the private file outside the case folder reaches the output, stdout or stderr.
    secret = PRIVATE.encode()
    if secret in stdout or secret in stderr:
        problems.append("the private file outside the lesson was echoed to stdout or stderr")
    if out and out.is_dir() and not out.is_symlink():
        leaked = [str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and not p.is_symlink() and secret in p.read_bytes()]
        if leaked:
            problems.append("the private file outside the lesson reached the report: " + ", ".join(leaked[:3]))
    for path, needle in case.get("contains") or []:
        p = folder / path
        if rc == 0 and (not p.is_file() or needle not in p.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{path} does not contain {needle!r}")
    return problems, info


if __name__ == "__main__":
    import tempfile
    binary = rnnlab_binary()
    wanted = set(sys.argv[1:])
    results = {}
    for case in load_cases():
        if wanted and case["id"] not in wanted:
            continue
        with tempfile.TemporaryDirectory() as d:
            problems, info = run_case(case, pathlib.Path(d), binary)
        results[case["id"]] = {"problems": problems, **info}
        verdict = "FAIL" if problems else "ok  "
        print(f"{verdict} {case['id']:38} exit {info['exit']} {info['seconds']:6.2f}s  {info['first'][:160]}")
        for p in problems:
            print(f"       - {p}")
    if os.environ.get("RESULTS"):
        pathlib.Path(os.environ["RESULTS"]).write_text(json.dumps(results, indent=1, ensure_ascii=False))
