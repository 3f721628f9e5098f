"""Datasets, splits, scaling and data checks."""

from kzoo.data import examples, tokens  # noqa: F401
from kzoo.data.augmentation import AugmentedDataset, augmented_dataset, image_augmentation
from kzoo.data.bundled import load_breast_cancer, load_diabetes, load_digits
from kzoo.data.checks import check_arrays
from kzoo.data.class_weights import class_weights
from kzoo.data.datasets import (
                               DatasetUnavailableError,
                               load_cifar10,
                               load_fashion_mnist,
                               load_imdb,
                               load_mnist,
)
from kzoo.data.scaling import Standardizer, normalization_layer, standardize, with_preprocessing
from kzoo.data.sequences import adding_problem, make_windows, naive_forecast, seasonal_series
from kzoo.data.splits import Splits, split
from kzoo.data.text_augmentation import (
                               ENGLISH_SYNONYMS,
                               TextAugmenter,
                               random_insertion,
                               random_swap,
                               synonym_replacement,
                               synonym_table,
)
from kzoo.data.tokens import digit_seq2seq, token_order

__all__ = [
    "AugmentedDataset",
    "DatasetUnavailableError",
    "ENGLISH_SYNONYMS",
    "TextAugmenter",
    "augmented_dataset",
    "class_weights",
    "image_augmentation",
    "load_cifar10",
    "load_fashion_mnist",
    "load_imdb",
    "load_mnist",
    "random_insertion",
    "random_swap",
    "synonym_replacement",
    "synonym_table",
    "Splits",
    "Standardizer",
    "adding_problem",
    "make_windows",
    "naive_forecast",
    "seasonal_series",
    "check_arrays",
    "digit_seq2seq",
    "token_order",
    "examples",
    "tokens",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "split",
    "normalization_layer",
    "standardize",
    "with_preprocessing",
]
