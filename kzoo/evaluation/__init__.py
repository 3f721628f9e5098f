"""Evaluation report and plots (guide: Evaluation Metrics)."""

from kzoo.evaluation.report import EvaluationReport, evaluate

__all__ = ["EvaluationReport", "evaluate"]
