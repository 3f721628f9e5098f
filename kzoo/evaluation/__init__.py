"""Evaluation report and plots (guide: Evaluation Metrics)."""

from kzoo.evaluation.labels import labels_from_probabilities, predict_labels
from kzoo.evaluation.report import EvaluationReport, evaluate

__all__ = ["EvaluationReport", "evaluate", "labels_from_probabilities", "predict_labels"]
