"""Datasets, splits, scaling and data checks."""

from kzoo.data.bundled import load_breast_cancer, load_diabetes, load_digits
from kzoo.data.checks import check_arrays
from kzoo.data.scaling import Standardizer, standardize
from kzoo.data.splits import Splits, split

__all__ = [
    "Splits",
    "Standardizer",
    "check_arrays",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "split",
    "standardize",
]
