"""What a search returns: the trials table and the :class:`TuneResult`."""

import csv
import dataclasses
import json
import math
import os
from collections.abc import Mapping
from typing import Any

RECORD_FILE = "kzoo_trial.json"
BASE_COLUMNS = ("trial", "status", "score", "best_epoch", "epochs", "seconds", "tuner")


def _fmt(value):
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.4g}"
    return str(value)


def read_record(trial_dir) -> dict:
    """The timing record kzoo writes next to KerasTuner's ``trial.json``."""
    path = os.path.join(trial_dir, RECORD_FILE)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_record(trial_dir, record: Mapping) -> None:
    """Writes the record atomically (a kill never leaves half a file)."""
    path = os.path.join(trial_dir, RECORD_FILE)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(dict(record), f)
    os.replace(tmp, path)


class TrialsTable:
    """Every trial of a search: hyperparameters, score, epochs, time, status.

    Rows are dicts with the columns ``trial``, ``status``, ``score`` (the
    objective at the best epoch, averaged over executions), ``best_epoch``,
    ``epochs`` (epochs actually trained, after early stopping), ``seconds``
    (wall time of the trial), ``tuner`` (the tuner id that ran it) and one
    column per hyperparameter. ``print(table)`` shows it; ``rows``,
    ``to_csv`` and ``to_pandas`` give it to other tools.

    Example:
        >>> print(result.trials)
        >>> result.trials.to_csv("trials.csv")
    """

    def __init__(self, rows, objective=("score", "max")):
        self.rows = [dict(r) for r in rows]
        self.objective = tuple(objective)
        hps = []
        for row in self.rows:
            for key in row:
                if key not in BASE_COLUMNS and key not in hps:
                    hps.append(key)
        self.columns = list(BASE_COLUMNS) + hps

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    @property
    def completed(self):
        """Rows of the trials that finished normally."""
        return [r for r in self.rows if r["status"] == "COMPLETED"]

    def best(self):
        """The completed row with the best score, per the objective's direction."""
        scored = [r for r in self.completed if r["score"] is not None
                  and not math.isnan(r["score"])]
        if not scored:
            return None
        pick = max if self.objective[1] == "max" else min
        return pick(scored, key=lambda r: r["score"])

    def sorted(self):
        """A copy sorted best first (completed trials first)."""
        sign = -1 if self.objective[1] == "max" else 1

        def key(row):
            score = row["score"]
            missing = score is None or math.isnan(score)
            return (row["status"] != "COMPLETED" or missing, 0 if missing else sign * score)

        return TrialsTable(sorted(self.rows, key=key), self.objective)

    def __str__(self):
        name, direction = self.objective
        header = [c if c != "score" else f"{name} ({direction})" for c in self.columns]
        body = [[_fmt(row.get(c)) for c in self.columns] for row in self.rows]
        widths = [max(len(h), *(len(line[i]) for line in body)) if body else len(h)
                  for i, h in enumerate(header)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths)) for line in body]
        return "\n".join(lines)

    def __repr__(self):
        return f"TrialsTable({len(self)} trials, objective={self.objective})\n{self}"

    def to_csv(self, path):
        """Writes the table as CSV (one row per trial)."""
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            for row in self.rows:
                writer.writerow({c: row.get(c) for c in self.columns})
        return path

    def to_pandas(self):
        """The table as a ``pandas.DataFrame`` (needs pandas installed)."""
        import pandas

        return pandas.DataFrame(self.rows, columns=self.columns)


def trial_rows(oracle, project_dir, local_log=None) -> list:
    """Builds table rows from an oracle's trials and kzoo's per-trial records."""
    rows = []
    trials = sorted(oracle.trials.values(), key=lambda t: (len(t.trial_id), t.trial_id))
    for trial in trials:
        record = read_record(os.path.join(project_dir, f"trial_{trial.trial_id}"))
        record.update((local_log or {}).get(trial.trial_id, {}))
        score = trial.score
        row = {
            "trial": trial.trial_id,
            "status": trial.status,
            "score": None if score is None else float(score),
            "best_epoch": None if trial.best_step is None or score is None
            else int(trial.best_step) + 1,
            "epochs": record.get("epochs"),
            "seconds": record.get("seconds"),
            "tuner": record.get("tuner_id"),
        }
        values = dict(trial.hyperparameters.values)
        for key, value in values.items():
            if key.startswith("tuner/") and key != "tuner/epochs":
                continue
            row["budget_epochs" if key == "tuner/epochs" else key] = value
        rows.append(row)
    return rows


@dataclasses.dataclass
class TuneResult:
    """The outcome of :func:`kzoo.tune`.

    Attributes:
        best_model: keras.Model or None. The best trial's model with the
            weights of its best epoch (None on a distributed worker, or when
            no trial completed).
        best_hyperparameters: dict. The best trial's hyperparameter values.
        best_kwargs: dict or None. The factory arguments of the best trial
            (fixed ones included): ``kzoo.create_model(name, **best_kwargs)``
            rebuilds it untrained. None for a build function.
        best_fit_kwargs: dict. ``fit`` arguments of the best trial
            (``batch_size``).
        best_score: float or None. The objective's best value.
        objective: tuple. ``(name, direction)``.
        trials: :class:`TrialsTable`. Every trial of the project.
        tuner: The ``keras_tuner`` tuner (for ``results_summary`` and more).
        project_dir: str. Where trials, checkpoints and the oracle live.
        role: str. ``"single"``, ``"chief"`` or ``"worker"``.
        model: str or callable. What was tuned.
    """

    best_model: Any
    best_hyperparameters: dict
    best_kwargs: dict | None
    best_fit_kwargs: dict
    best_score: float | None
    objective: tuple
    trials: TrialsTable
    tuner: Any
    project_dir: str
    role: str = "single"
    model: Any = None
    jit_compile: Any = "auto"

    def build_best(self):
        """A fresh, compiled, untrained model with the best configuration.

        Use it to retrain the best configuration on more data or for longer
        (guide: Phase 5, then the final evaluation on the test split).
        """
        if not self.best_hyperparameters:
            raise ValueError("No trial completed, so there is no best configuration.")
        if self.best_kwargs is not None:
            from kzoo.registry import create_model
            from kzoo.tuning.hypermodel import apply_jit

            return apply_jit(create_model(self.model, **self.best_kwargs), self.jit_compile)
        import keras_tuner

        hp = keras_tuner.HyperParameters()
        hp.values.update(self.best_hyperparameters)
        return self.tuner.hypermodel.build(hp)

    def summary(self) -> str:
        name = self.model if isinstance(self.model, str) else getattr(
            self.model, "__name__", "build_fn")
        completed = len(self.trials.completed)
        lines = [f"kzoo.tune({name}): {completed}/{len(self.trials)} trials completed "
                 f"[{self.role}] in {self.project_dir}",
                 f"objective: {self.objective[0]} ({self.objective[1]})"]
        if self.best_score is not None:
            lines.append(f"best {self.objective[0]}: {self.best_score:.4f}")
            lines.append("best hyperparameters: " + ", ".join(
                f"{k}={_fmt(v)}" for k, v in self.best_hyperparameters.items()
                if not k.startswith("tuner/")))
        return "\n".join(lines)

    def __str__(self):
        return f"{self.summary()}\n{self.trials}"

    def to_json(self) -> dict:
        """A JSON-serialisable summary (used by ``python -m kzoo.tuning``)."""
        def clean(value):
            if isinstance(value, tuple):
                return list(value)
            if isinstance(value, float) and math.isnan(value):
                return None
            return value

        return {
            "role": self.role,
            "project_dir": self.project_dir,
            "objective": list(self.objective),
            "best_score": self.best_score,
            "best_hyperparameters": {k: clean(v) for k, v in
                                     self.best_hyperparameters.items()},
            "best_kwargs": None if self.best_kwargs is None else {
                k: clean(v) for k, v in self.best_kwargs.items()},
            "best_fit_kwargs": self.best_fit_kwargs,
            "trials": [{k: clean(v) for k, v in row.items()} for row in self.trials.rows],
        }
