"""Test helpers for kzoo's suite and for users' own models."""

from kzoo.testing.harness import assert_same_predictions, run_model_test, to_numpy

__all__ = ["assert_same_predictions", "run_model_test", "to_numpy"]
