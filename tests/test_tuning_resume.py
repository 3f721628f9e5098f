"""A search killed with SIGKILL resumes: completed trials are kept, not rerun."""

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import kzoo

MAX_TRIALS = 3
FIXED = {"num_classes": 3, "hidden_units": (32, 16), "batch_size": 16}
EPOCHS = 3


def make_data(path):
    rng = np.random.default_rng(0)
    y = np.arange(480) % 3
    centers = np.random.default_rng(99).normal(0, 2, size=(3, 8))
    x = (centers[y] + rng.normal(0, 1, size=(480, 8))).astype("float32")
    np.savez(path, x=x[:400], y=y[:400].astype("int32"), x_val=x[400:],
             y_val=y[400:].astype("int32"))
    return x[:400], y[:400].astype("int32"), (x[400:], y[400:].astype("int32"))


def trial_files(project):
    out = {}
    for path in sorted(pathlib.Path(project).glob("trial_*/trial.json")):
        try:
            out[path.parent.name] = json.loads(path.read_text())
        except ValueError:  # being written
            pass
    return out


def record(project, trial_dir):
    path = pathlib.Path(project) / trial_dir / "kzoo_trial.json"
    return json.loads(path.read_text()) if path.exists() else None


@pytest.mark.slow
def test_a_killed_search_resumes_where_it_stopped(tmp_path):
    data = tmp_path / "data.npz"
    x, y, val = make_data(data)
    directory = tmp_path / "runs"
    project = directory / "mlp_classifier"
    command = [sys.executable, "-m", "kzoo.tuning", "run", "--model", "mlp_classifier",
               "--data", str(data), "--fixed", json.dumps(FIXED), "--tuner", "random",
               "--max-trials", str(MAX_TRIALS), "--epochs", str(EPOCHS), "--directory",
               str(directory), "--verbose", "0"]
    log = open(tmp_path / "search.log", "w")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if any(t["status"] == "COMPLETED" for t in trial_files(project).values()):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the search ended before it could be killed:\n" + (
            tmp_path / "search.log").read_text()[-3000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()

    before = trial_files(project)
    done_before = {d: t for d, t in before.items() if t["status"] == "COMPLETED"}
    assert 1 <= len(done_before) < MAX_TRIALS, before
    killed_pid = proc.pid
    assert all(record(project, d)["pid"] == killed_pid for d in done_before)

    # The same search again (in this process): it reloads the project.
    result = kzoo.tune("mlp_classifier", x, y, validation_data=val, fixed=FIXED,
                       tuner="random", max_trials=MAX_TRIALS, epochs=EPOCHS,
                       directory=directory, verbose=0)
    after = trial_files(project)
    assert len(result.trials) == MAX_TRIALS == len(after)
    assert all(t["status"] == "COMPLETED" for t in after.values())
    for trial_dir, trial in done_before.items():
        # Kept as they were: same hyperparameters and score, and not rerun.
        assert after[trial_dir]["hyperparameters"]["values"] == \
            trial["hyperparameters"]["values"]
        assert after[trial_dir]["score"] == trial["score"]
        assert record(project, trial_dir)["pid"] == killed_pid
    rerun = {d for d in after if d not in done_before}
    assert rerun and all(record(project, d)["pid"] == os.getpid() for d in rerun)
    # A trial that was running at the kill is run again with its own id and values.
    for trial_dir, trial in before.items():
        if trial["status"] == "RUNNING":
            assert after[trial_dir]["hyperparameters"]["values"] == \
                trial["hyperparameters"]["values"]
    assert result.best_score == max(row["score"] for row in result.trials)
