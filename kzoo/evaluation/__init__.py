"""Evaluation report and plots (guide: Evaluation Metrics)."""

from kzoo.evaluation.labels import labels_from_probabilities, predict_labels
from kzoo.evaluation.plots import threshold_figure
from kzoo.evaluation.report import EvaluationReport, evaluate, evaluate_predictions
from kzoo.evaluation.thresholds import best_threshold, threshold_table

__all__ = ["EvaluationReport", "best_threshold", "evaluate", "evaluate_predictions",
           "labels_from_probabilities", "predict_labels", "threshold_figure", "threshold_table"]
