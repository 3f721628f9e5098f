"""Measured evidence for the guide's claims: seeded repeats, a verdict rule, a record.

The guide says things an experiment can check ("GRU is faster than LSTM", "Huber is
robust to outliers"). The walkthroughs in ``notebooks/`` check them with three pieces:

- :func:`dataset` gives the protocol's small datasets (digits, breast cancer, moons...),
  split and scaled the same way everywhere, and :func:`epochs_to` reads a curve;
- :func:`reusable` turns a model builder into a ``run(seed)`` that compiles once per
  architecture (most of a small run's cost on JAX) and :func:`accuracy` scores eagerly;
- :func:`repeat` runs one experiment under several seeds (``keras.utils.set_random_seed``
  each time) and returns :class:`Samples`, so that no verdict rests on one run;
- :func:`compare`, :func:`similar`, :func:`at_least`, :func:`at_most` and :func:`check`
  apply the one verdict rule the project uses everywhere (see :mod:`kzoo.experiments.rule`)
  and return a :class:`Verdict`; :func:`combine` merges the verdicts of several settings;
- a :class:`Verdict` shows itself in a notebook as one line of text and carries a
  machine-readable copy (:data:`MIME_TYPE`) that ``notebooks/claims.py`` collects from
  the stored notebooks into ``notebooks/claims.md``. ``verdict.expect(...)`` fails the
  notebook when the number no longer supports what its text says.

Example::

    from kzoo import experiments

    def run(seed):
        model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,), activation="relu")
        model.fit(x_train, y_train, epochs=10, verbose=0)
        return model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]

    relu = experiments.repeat(run)
    ...
    experiments.compare("ACT-03", relu, sigmoid, metric="test accuracy").expect("confirmed")
"""

from kzoo.experiments.curves import epochs_to  # noqa: F401
from kzoo.experiments.protocol import DATASETS, dataset  # noqa: F401
from kzoo.experiments.reuse import accuracy, reusable  # noqa: F401
from kzoo.experiments.rule import (  # noqa: F401
    VERDICTS,
    at_least,
    at_most,
    check,
    combine,
    compare,
    judged,
    similar,
)
from kzoo.experiments.seeds import DEFAULT_SEEDS, Samples, repeat  # noqa: F401
from kzoo.experiments.tables import Table  # noqa: F401
from kzoo.experiments.verdict import MIME_TYPE, Verdict  # noqa: F401

__all__ = ["DATASETS", "DEFAULT_SEEDS", "MIME_TYPE", "Samples", "Table", "VERDICTS", "Verdict",
           "accuracy", "at_least", "at_most", "check", "combine", "compare", "dataset",
           "epochs_to", "judged", "repeat", "reusable", "similar"]
