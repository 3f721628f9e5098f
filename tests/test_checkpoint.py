"""Checkpoints lose nothing: a training process SIGKILLed mid-save leaves a loadable best model."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest

from kzoo.callbacks import AtomicModelCheckpoint, atomic_save
from kzoo.callbacks.checkpoint import stale_temporary_files, temporary_path

# A training run whose model (~4M parameters, ~16 MB .keras file) takes a
# measurable time to save; it announces each save on stdout before writing.
TRAINER = textwrap.dedent("""
    import sys
    import keras, numpy as np
    from kzoo.callbacks import AtomicModelCheckpoint

    path, kind = sys.argv[1], sys.argv[2]
    checkpoint = (AtomicModelCheckpoint if kind == "atomic" else keras.callbacks.ModelCheckpoint)
    inputs = keras.Input((64,))
    x = keras.layers.Dense(2048, activation="relu")(inputs)
    x = keras.layers.Dense(2048, activation="relu")(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x), name="big")
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 64)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")

    class Announce(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            print(f"SAVING {epoch}", flush=True)

    model.fit(x, y, epochs=10_000, verbose=0, callbacks=[
        Announce(), checkpoint(path, monitor="loss", save_best_only=False)])
""")


def _start(tmp_path, kind="atomic"):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER)
    target = tmp_path / "best.keras"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.Popen([sys.executable, str(script), str(target), kind],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env)
    return proc, target


def _wait_for_saves(proc, count):
    seen = 0
    for line in proc.stdout:
        if line.startswith("SAVING"):
            seen += 1
            if seen >= count:
                return
    raise AssertionError("the training process ended before saving")


def _kill_while_temp_file_exists(proc, target, timeout=120):
    """SIGKILLs ``proc`` at a moment its temporary checkpoint is being written."""
    tmp = temporary_path(str(target), pid=proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(tmp) and os.path.getsize(tmp) > 0:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return tmp
        time.sleep(0.001)
    proc.kill()
    raise AssertionError("never saw a checkpoint being written")


def test_sigkill_mid_write_leaves_the_previous_checkpoint_loadable(tmp_path):
    proc, target = _start(tmp_path)
    try:
        _wait_for_saves(proc, 2)  # at least one complete checkpoint exists
        assert target.exists()
        tmp = _kill_while_temp_file_exists(proc, target)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The kill hit a write in progress: its partial temporary file is there ...
    assert os.path.exists(tmp) and str(tmp) in stale_temporary_files(str(target))
    # ... and the checkpoint itself is complete and loads.
    model = keras.saving.load_model(target)
    assert model.name == "big" and model.count_params() > 4_000_000
    # A new training with the same checkpoint path sweeps the stale file.
    callback = AtomicModelCheckpoint(str(target))
    callback.set_model(model)
    callback.on_train_begin()
    assert stale_temporary_files(str(target)) == []


@pytest.mark.slow
def test_the_same_kill_corrupts_keras_in_place_checkpoint(tmp_path):
    """Control: Keras' own ModelCheckpoint rewrites the file in place, so the
    same kind of kill destroys the previous checkpoint (what the test above
    guards against)."""
    proc, target = _start(tmp_path, kind="keras")
    try:
        _wait_for_saves(proc, 2)
        largest, deadline = 0, time.monotonic() + 120
        while True:  # each save truncates the file, then rewrites it
            assert time.monotonic() < deadline, "never saw a checkpoint being rewritten"
            size = os.path.getsize(target)
            largest = max(largest, size)
            if largest > 4_000_000 and size < largest // 2:  # mid-rewrite
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with pytest.raises(Exception):
        keras.saving.load_model(target)


def test_atomic_save_replaces_and_cleans_up(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs), name="tiny")
    path = tmp_path / "m.keras"
    atomic_save(model, path)
    first = model.predict(np.ones((1, 4)), verbose=0)
    model.layers[-1].kernel.assign(np.zeros((4, 2), "float32"))
    atomic_save(model, path)  # replaces the old file
    assert np.allclose(keras.saving.load_model(path).predict(np.ones((1, 4)), verbose=0),
                       model.predict(np.ones((1, 4)), verbose=0))
    assert not np.allclose(first, model.predict(np.ones((1, 4)), verbose=0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # no temp left
    weights = tmp_path / "w.weights.h5"
    atomic_save(model, weights, weights_only=True)
    assert weights.exists()


def test_atomic_checkpoint_keeps_the_best_epoch(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.ones((4, 1))).astype("float32")
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs), name="lin")
    model.compile(keras.optimizers.SGD(0.05), "mse")
    path = tmp_path / "best.keras"
    history = model.fit(x, y, validation_data=(x, y), epochs=5, verbose=0, callbacks=[
        AtomicModelCheckpoint(str(path), save_best_only=True)])
    best = keras.saving.load_model(path)
    assert best.evaluate(x, y, verbose=0) == pytest.approx(min(history.history["val_loss"]),
                                                           rel=1e-4)
