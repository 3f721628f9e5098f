"""TrainingDoctor on the labelled corpus of real runs (benchmarks/doctor/).

Replays every committed run through the callback's hooks (no training, a few
seconds) and holds the doctor to the issue's targets: precision and recall
>= 0.9 for every finding code, and at most 1 false alarm in 20 healthy runs,
on the whole corpus and on each backend's half of it (the held-out split).
"""

import importlib.util
import json
import pathlib
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "doctor"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"doctor_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


replay = _load("replay")
labels = _load("labels")


@pytest.fixture(scope="module")
def corpus():
    runs = replay.load_corpus(BENCH / "corpus")
    found = [set(replay.replay_run(run).codes) for run in runs]
    return runs, found


def test_the_corpus_is_big_varied_small_and_labelled_by_its_definitions(corpus):
    runs, _ = corpus
    assert len(runs) >= 60
    size = sum(p.stat().st_size for p in (BENCH / "corpus").glob("*.jsonl"))
    assert size < 2_000_000
    assert {r["backend"] for r in runs} >= {"jax", "tensorflow"}
    assert {r["dataset"] for r in runs} >= {"digits", "breast_cancer", "diabetes", "blobs"}
    models = {r["model"] for r in runs}
    assert {"mlp_classifier", "cnn_classifier", "lstm_classifier",
            "transformer_classifier"} <= models
    present = {code for r in runs for code in r["labels"]}
    assert present >= {"overfitting", "underfitting", "oscillating_loss", "diverging",
                       "nan_loss", "no_improvement", "slow_progress", "stuck_at_trivial",
                       "collapsed_predictions", "plateau"}
    assert sum(not r["labels"] for r in runs) >= 20  # healthy runs
    for run in runs:  # the stored labels are the definitions applied to the record
        assert run["labels"] == labels.label_run(run)[0], run["id"]
        assert max(len(run["history"]["loss"]), 1) <= 40


def _check_targets(runs, found, where, floor=0.9, alarms_per_20=1):
    per_code, healthy = replay.score(runs, found)
    for code, s in per_code.items():
        if s["tp"] + s["fn"]:
            assert s["recall"] >= floor, (where, code, s)
        if s["tp"] + s["fp"]:
            assert s["precision"] >= floor, (where, code, s)
    assert healthy["alarms"] * 20 <= alarms_per_20 * healthy["runs"], (where, healthy)


def test_precision_recall_and_false_alarms_on_the_whole_corpus(corpus):
    runs, found = corpus
    _check_targets(runs, found, "all runs")


@pytest.mark.parametrize("split", ["jax", "tensorflow"])
def test_the_targets_hold_on_each_backend(corpus, split):
    # jax: the development runs; tensorflow: the backend the doctor was not developed on
    runs, found = corpus
    pick = [i for i, r in enumerate(runs) if r["split"] == split]
    assert pick, split
    _check_targets([runs[i] for i in pick], [found[i] for i in pick], split)


def test_the_held_out_seed_stays_where_it_was_measured(corpus):
    # jax_seed2: every configuration again with a new seed, recorded after the doctor
    # was frozen. It misses the targets by one run (README.md): an imbalanced
    # validation split with 5 positives in 100 puts the doctor's estimate of the
    # trivial loss at 0.20 against 0.33 from the training labels, so a 0.81 loss reads
    # as diverging (precision 4/5, 1 alarm in 18 healthy runs). Guard that level.
    runs, found = corpus
    pick = [i for i, r in enumerate(runs) if r["split"] == "jax_seed2"]
    assert len(pick) >= 60
    _check_targets([runs[i] for i in pick], [found[i] for i in pick], "jax_seed2",
                   floor=0.8, alarms_per_20=20 / 18)


def test_the_replay_prints_the_table(corpus, capsys):
    assert replay.main(["--corpus", str(BENCH / "corpus")]) == 0
    out = capsys.readouterr().out
    assert "| finding code |" in out and "False alarms on healthy runs" in out
    assert "tensorflow runs" in out and "jax runs" in out and "held out" in out


def test_the_corpus_files_are_json_lines():
    for path in (BENCH / "corpus").glob("*.jsonl"):
        for line in path.read_text().splitlines():
            json.loads(line)
