"""The training doctor's parts: finding codes and advice, the trivial predictor's
baseline, and noise-aware curve statistics. ``kzoo.callbacks.TrainingDoctor``
puts them together."""

from kzoo.callbacks.diagnosis.baseline import Baseline, infer_task, trivial_baseline
from kzoo.callbacks.diagnosis.findings import DIAGNOSES, Finding

__all__ = ["Baseline", "DIAGNOSES", "Finding", "infer_task", "trivial_baseline"]
