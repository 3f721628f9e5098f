"""A chief and two workers on 127.0.0.1 run one search to completion and exit."""

import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import pytest

from kzoo.tuning import distributed

MAX_TRIALS = 4
TIMEOUT = 300


def make_data(path):
    rng = np.random.default_rng(0)
    y = np.arange(200) % 3
    centers = np.random.default_rng(99).normal(0, 2, size=(3, 8))
    x = (centers[y] + rng.normal(0, 1, size=(200, 8))).astype("float32")
    np.savez(path, x=x[:150], y=y[:150].astype("int32"), x_val=x[150:],
             y_val=y[150:].astype("int32"))


def start(role, tmp_path, port, data, tuner_id=None):
    command = [sys.executable, "-m", "kzoo.tuning", role, "--port", str(port),
               "--ip", distributed.LOOPBACK, "--model", "mlp_classifier", "--data", str(data),
               "--fixed", json.dumps({"num_classes": 3, "hidden_units": [16, 8]}),
               "--max-trials", str(MAX_TRIALS), "--epochs", "6",
               "--directory", str(tmp_path / "runs"), "--verbose", "1",
               "--timeout", str(TIMEOUT), "--summary", str(tmp_path / f"{tuner_id or role}.json")]
    if tuner_id:
        command += ["--tuner-id", tuner_id]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERASTUNER_")}
    log = open(tmp_path / f"{tuner_id or role}.log", "w")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                            env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"})
    proc.log_path = pathlib.Path(log.name)
    log.close()
    return proc


def wait_for_text(proc, text, deadline):
    while time.monotonic() < deadline:
        if text in proc.log_path.read_text():
            return
        assert proc.poll() is None, proc.log_path.read_text()[-3000:]
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {text!r}")


@pytest.mark.slow
def test_chief_and_two_workers_on_loopback(tmp_path):
    data = tmp_path / "data.npz"
    make_data(data)
    port = distributed.free_port()
    deadline = time.monotonic() + TIMEOUT
    # The chief first, so that no worker's first connection fails: a failed
    # one puts gRPC into reconnect backoff (seconds), long enough for the
    # other worker to take every trial. Then both workers start together, and
    # each trial lasts long enough that neither can finish the search alone.
    chief = start("chief", tmp_path, port, data)
    procs = [chief]
    try:
        wait_for_text(chief, "serving the oracle", deadline)
        workers = [start("worker", tmp_path, port, data, f"tuner{i}") for i in range(2)]
        procs += workers
        for proc in procs:  # every process exits by itself
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    logs = {p.log_path.name: p.log_path.read_text()[-2000:] for p in procs}
    assert [p.returncode for p in procs] == [0, 0, 0], logs

    chief_summary = json.loads((tmp_path / "chief.json").read_text())
    worker_summaries = [json.loads((tmp_path / f"tuner{i}.json").read_text())
                        for i in range(2)]
    assert chief_summary["role"] == "chief"
    chief_trials = {row["trial"]: row for row in chief_summary["trials"]}
    assert len(chief_trials) == MAX_TRIALS
    assert all(row["status"] == "COMPLETED" and row["score"] is not None
               for row in chief_trials.values())

    ran = [{row["trial"] for row in s["trials"]} for s in worker_summaries]
    assert all(ran), f"a worker ran no trial: {ran}"
    assert ran[0].isdisjoint(ran[1]) and ran[0] | ran[1] == set(chief_trials)
    for i, trials in enumerate(ran):
        assert {chief_trials[t]["tuner"] for t in trials} == {f"tuner{i}"}
    # The chief holds every result: scores match what each worker measured.
    for summary in worker_summaries:
        for row in summary["trials"]:
            assert row["score"] == pytest.approx(chief_trials[row["trial"]]["score"])
    assert chief_summary["best_score"] == max(r["score"] for r in chief_trials.values())
