"""Datasets, splits, scaling and data checks."""

from kzoo.data import examples, padding, series_scaling, tokens, ts_format, ucr  # noqa: F401
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
from kzoo.data.padding import pad_series, series_lengths
from kzoo.data.scaling import Standardizer, normalization_layer, standardize, with_preprocessing
from kzoo.data.sequences import adding_problem, make_windows, naive_forecast, seasonal_series
from kzoo.data.series_scaling import ChannelStandardizer, znormalize
from kzoo.data.splits import Splits, split
from kzoo.data.synthetic_series import shape_series
from kzoo.data.text_augmentation import (
                               ENGLISH_SYNONYMS,
                               TextAugmenter,
                               random_insertion,
                               random_swap,
                               synonym_replacement,
                               synonym_table,
)
from kzoo.data.tokens import digit_seq2seq, token_order
from kzoo.data.ts_format import read_ts, write_ts
from kzoo.data.ucr import UCRDataset, load_ucr

__all__ = [
    "ChannelStandardizer",
    "UCRDataset",
    "load_ucr",
    "pad_series",
    "read_ts",
    "series_lengths",
    "shape_series",
    "write_ts",
    "znormalize",
    "padding",
    "series_scaling",
    "ts_format",
    "ucr",
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
