"""`rnnlab trace` under a 4 GiB address-space limit (`ulimit -v`): a 200 MB sequence is refused up
front with the estimate and how to raise the limit (no allocation failure, no backtrace), and a
1,000,000-step sequence that fits is traced."""
import json
import subprocess
import time

H = 4
MODEL = {"cell": "rnn", "input_size": 1, "hidden_size": H, "output_size": 1,
         "weights": {"W_xh": [[0.1]] * H, "W_hh": [[0.05 * ((i + j) % 3 - 1) for j in range(H)] for i in range(H)],
                     "b_h": [0.0] * H, "W_hy": [[0.2] * H], "b_y": [0.0]}}


def write_sequence(path, steps):
    with open(path, "w") as f:
        f.write('{"loss": "mse_last", "targets": [0.5], "x": [')
        chunk = ",".join(["[0.123456]"] * 10000)
        for k in range(steps // 10000):
            f.write(("," if k else "") + chunk)
        f.write("]}")


def traced(tmp, rnnlab, sequence):
    (tmp / "model.json").write_text(json.dumps(MODEL))
    start = time.monotonic()
    run = subprocess.run(["bash", "-c", f'ulimit -v 4194304; exec "{rnnlab}" trace model.json {sequence} -o out.json'],
                         cwd=tmp, capture_output=True, text=True, timeout=600)
    return run, time.monotonic() - start


def test_a_200_mb_sequence_is_refused_up_front(tmp_path, rnnlab):
    write_sequence(tmp_path / "big.json", 18_200_000)
    assert (tmp_path / "big.json").stat().st_size > 200_000_000
    run, seconds = traced(tmp_path, rnnlab, "big.json")
    assert run.returncode == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("big.json: reading this ") and "needs about" in lines[0], run.stderr
    assert "--max-memory" in lines[0]
    assert seconds < 5 and not (tmp_path / "out.json").exists()


def test_a_long_sequence_that_fits_is_traced(tmp_path, rnnlab):
    write_sequence(tmp_path / "long.json", 1_000_000)
    run, _ = traced(tmp_path, rnnlab, "long.json")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out.json") as f:
        head = f.read(200)
    assert '"format"' in head or "rnnlab.trace" in head
