"""Replays the labelled corpus through ``kzoo.callbacks.TrainingDoctor`` and scores it.

No training happens: each recorded run is fed epoch by epoch through the
callback's own hooks (``on_train_begin``, ``on_epoch_end``, ``on_train_end``)
with a stand-in model that answers what the doctor asks a model (its loss and
output units, the learning rate of that epoch, the untrained model's
validation loss, and the validation predictions as the recorded class counts).
The doctor is built exactly as a user would build it, with the run's
validation data (only the labels matter to it) and default thresholds.

Prints, per finding code, true/false positives, false negatives, precision and
recall, and the false-alarm rate on healthy runs, for the whole corpus and for
each backend (the runs of one backend are the held-out half: see README.md)::

    python benchmarks/doctor/replay.py
    python benchmarks/doctor/replay.py --logs-only      # the doctor without validation_data
    python benchmarks/doctor/replay.py --show-errors    # which runs disagree with their labels
"""

import argparse
import glob
import json
import os
import pathlib
import sys
import types

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from kzoo.callbacks.doctor import DIAGNOSES, TrainingDoctor  # noqa: E402

_NOT_LOGS = ("learning_rate", "val_predicted_counts")


def load_corpus(path=CORPUS):
    """All runs of the corpus (``corpus/*.jsonl``), as dicts."""
    runs = []
    for file in sorted(glob.glob(str(pathlib.Path(path) / "*.jsonl"))):
        with open(file) as f:
            for line in f:
                if line.strip():
                    run = json.loads(line)
                    run["split"] = pathlib.Path(file).stem  # jax, tensorflow, jax_seed2
                    runs.append(run)
    return runs


def split_title(split):
    """How a corpus file is described in the tables."""
    if "_seed" in split:
        backend, seed = split.split("_seed")
        return f"held out: {backend} runs, seed {seed}, recorded after the doctor was frozen"
    if split == "tensorflow":
        return "tensorflow runs (the backend not used to develop the doctor)"
    return f"{split} runs (development)"


def _number(value):
    return float(value) if value is not None else None


class ReplayModel:
    """Stands in for the trained model: what the doctor reads from a model, taken
    from the record (loss, output units, learning rate, predictions, initial loss)."""

    def __init__(self, run):
        self.run = run
        self.loss = run["loss_name"]
        self.output_shape = (None, run["output_units"])
        self.optimizer = types.SimpleNamespace(learning_rate=0.0)
        self.stop_training = False
        self.epoch = 0
        # only the number of weight matrices matters to the doctor (1: a linear model)
        self.trainable_weights = [types.SimpleNamespace(shape=(1, 1))] * run["weight_matrices"]

    def predict(self, x, batch_size=None, verbose=0):
        if "val_predicted_counts" not in self.run["history"]:
            # a regressor: no predictions were recorded (the doctor never asks for them;
            # an older doctor did): a neutral stand-in, the targets themselves
            return validation_labels(self.run)
        counts = self.run["history"]["val_predicted_counts"][self.epoch]
        classes = np.repeat(np.arange(len(counts)), counts)
        if self.run["output_units"] == 1:
            return classes[:, None].astype("float32")
        return np.eye(len(counts), dtype="float32")[classes]

    def evaluate(self, x, y, batch_size=None, verbose=0, return_dict=True):
        return {"loss": _number(self.run["initial_val_loss"])}


def validation_labels(run):
    """The run's validation labels (classification: rebuilt from the class counts;
    regression: the recorded targets)."""
    if run["num_classes"] is not None:
        counts = run["val_label_counts"]
        return np.repeat(np.arange(len(counts)), counts).astype("int32")
    return np.asarray(run["val_targets"], dtype="float32")[:, None]


def replay_run(run, logs_only=False, doctor_class=TrainingDoctor, **doctor_kwargs):
    """Feeds one recorded run through a fresh ``TrainingDoctor``; returns the doctor."""
    model = ReplayModel(run)
    y = validation_labels(run)
    validation = None if logs_only else (np.zeros((len(y), 1), "float32"), y)
    doctor = doctor_class(validation_data=validation, verbose=0, **doctor_kwargs)
    doctor.set_model(model)
    doctor.on_train_begin()
    history = run["history"]
    for epoch in range(len(history["loss"])):
        model.epoch = epoch
        model.optimizer.learning_rate = _number(history["learning_rate"][epoch])
        logs = {key: _number(values[epoch]) for key, values in history.items()
                if key not in _NOT_LOGS and values[epoch] is not None}
        doctor.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    doctor.on_train_end()
    return doctor


def score(runs, found):
    """Per-code counts and rates, and the healthy runs' false-alarm rate.

    Args:
        runs: list of run dicts (with ``labels``).
        found: list of sets of codes, one per run (the doctor's findings).

    Returns:
        ``(per_code, healthy)``: ``per_code[code] = dict(tp, fp, fn, precision,
        recall)`` (None where undefined) and ``healthy = dict(runs, alarms, rate)``.
    """
    codes = sorted(set(DIAGNOSES) | {c for r in runs for c in r["labels"]})
    per_code = {}
    for code in codes:
        tp = sum(code in f and code in r["labels"] for r, f in zip(runs, found))
        fp = sum(code in f and code not in r["labels"] for r, f in zip(runs, found))
        fn = sum(code not in f and code in r["labels"] for r, f in zip(runs, found))
        per_code[code] = dict(tp=tp, fp=fp, fn=fn,
                              precision=tp / (tp + fp) if tp + fp else None,
                              recall=tp / (tp + fn) if tp + fn else None)
    healthy = [f for r, f in zip(runs, found) if not r["labels"]]
    alarms = sum(bool(f) for f in healthy)
    return per_code, dict(runs=len(healthy), alarms=alarms,
                          rate=alarms / len(healthy) if healthy else None)


def _rate(value):
    return "-" if value is None else f"{value:.2f}"


def table(runs, found, title):
    """The Markdown table of ``score(runs, found)``."""
    per_code, healthy = score(runs, found)
    exact = sum(set(r["labels"]) == f for r, f in zip(runs, found))
    lines = [f"### {title}: {len(runs)} runs, {healthy['runs']} healthy", "",
             "| finding code | labelled runs | found | TP | FP | FN | precision | recall |",
             "|---|---|---|---|---|---|---|---|"]
    for code, s in per_code.items():
        labelled = s["tp"] + s["fn"]
        if labelled == 0 and s["fp"] == 0:
            continue
        lines.append(f"| `{code}` | {labelled} | {s['tp'] + s['fp']} | {s['tp']} | {s['fp']} "
                     f"| {s['fn']} | {_rate(s['precision'])} | {_rate(s['recall'])} |")
    lines += ["", f"False alarms on healthy runs: {healthy['alarms']} / {healthy['runs']} "
              f"({_rate(healthy['rate'])}). Runs whose findings equal their labels exactly: "
              f"{exact} / {len(runs)}.", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(CORPUS), help="folder of *.jsonl runs")
    parser.add_argument("--logs-only", action="store_true",
                        help="replay without validation_data (logs only: no collapse check, "
                        "trivial loss ln K, no chance level)")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the runs whose findings differ from their labels")
    parser.add_argument("--doctor-file", default=None,
                        help="replay the TrainingDoctor class of another file instead, e.g. "
                        "benchmarks/doctor/doctor_v0.py (the doctor before the corpus)")
    args = parser.parse_args(argv)
    doctor_class = TrainingDoctor
    if args.doctor_file:
        import importlib.util

        spec = importlib.util.spec_from_file_location("replayed_doctor", args.doctor_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        doctor_class = module.TrainingDoctor
    runs = load_corpus(args.corpus)
    if not runs:
        print(f"no runs under {args.corpus}; record them with benchmarks/doctor/record.py")
        return 1
    found = [set(replay_run(run, logs_only=args.logs_only, doctor_class=doctor_class).codes)
             for run in runs]
    mode = "logs only" if args.logs_only else "with validation_data"
    if args.doctor_file:
        mode += f", {pathlib.Path(args.doctor_file).name}"
    print(table(runs, found, f"All runs ({mode})"))
    for split in sorted({r["split"] for r in runs}):
        pick = [i for i, r in enumerate(runs) if r["split"] == split]
        print(table([runs[i] for i in pick], [found[i] for i in pick],
                    f"{split_title(split)} ({mode})"))
    if args.show_errors:
        print("Runs whose findings differ from their labels:")
        for run, f in zip(runs, found):
            if set(run["labels"]) != f:
                print(f"  {run['id']:55s} labels={sorted(run['labels'])} found={sorted(f)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
