"""Many seeded trainings of one architecture for the price of one compilation.

On JAX and TensorFlow most of a small experiment's time goes into tracing and compiling
the train and evaluation steps, once per new model object. :func:`reusable` compiles the
model built for the first seed and, for every later seed, copies a freshly seeded model's
initial weights and a fresh optimizer state into it: each run starts exactly where an
independent training from that seed would (weights, optimizer slots, step count), so the
runs stay independent; only the compiled functions are shared. The dropout masks of later
runs continue one random stream instead of restarting from each seed (runs stay
reproducible for a given list of seeds).

Written by hand: Keras has no "re-initialise a compiled model" call.
"""

import time

import keras
import numpy as np

from kzoo import checks, defaults


def reusable(build, splits, *, epochs, batch_size=defaults.BATCH_SIZE, validate=False,
             measure=None):
    """A ``run(seed)`` for :func:`kzoo.experiments.repeat` that trains ``build()``'s model.

    Call ``repeat(reusable(...), clear_session=False)``: clearing the session would drop
    the compiled model this reuses.

    Args:
        build: callable returning a compiled ``keras.Model`` (the same architecture every
            call; it is called once per seed, after the seed is set, for the initial
            weights).
        splits: :class:`kzoo.data.Splits`.
        epochs: int. Epochs per run.
        batch_size: int. Defaults to the guide's 32.
        validate: bool. Validate on ``splits.val`` after every epoch (the history gets
            ``val_*`` curves; costs an evaluation per epoch). Defaults to False.
        measure: callable ``(model, stage) -> dict``, optional, called with ``"init"``
            before training and ``"trained"`` after; its numbers join the result (e.g.
            gradient norms at initialisation, the fraction of dead units after training).

    Returns:
        callable ``run(seed)`` returning a dict: ``train``, ``val``, ``test`` accuracy
        (:func:`accuracy`), ``seconds`` of ``fit``, ``history`` and ``measure``'s numbers.
    """
    if not callable(build):
        raise ValueError(f"build must be a callable returning a compiled model; received "
                         f"{build!r}")
    checks.positive_int("epochs", epochs)
    checks.positive_int("batch_size", batch_size)
    checks.boolean("validate", validate)
    if measure is not None and not callable(measure):
        raise ValueError(f"measure must be None or a callable; received {measure!r}")
    cache = {}

    def run(seed):
        fresh = build()
        model = cache.get("model")
        if model is None:
            model = cache["model"] = fresh
            model.optimizer.build(model.trainable_variables)
            cache["optimizer"] = [keras.ops.convert_to_numpy(v)
                                  for v in model.optimizer.variables]
        else:
            model.set_weights(fresh.get_weights())
            for variable, value in zip(model.optimizer.variables, cache["optimizer"]):
                variable.assign(value)
        result = dict(measure(model, "init")) if measure else {}
        start = time.perf_counter()
        history = model.fit(*splits.train, validation_data=splits.val if validate else None,
                            epochs=epochs, batch_size=batch_size, verbose=0).history
        result["seconds"] = time.perf_counter() - start
        for name in ("train", "val", "test"):
            x, y = getattr(splits, name)
            if len(x):
                result[name] = accuracy(model, x, y)
        result["history"] = history
        if measure:
            result.update(measure(model, "trained"))
        return result

    return run


def accuracy(model, x, y):
    """Classification accuracy from one forward pass in inference mode.

    Needs no compiled evaluation step (one eager call), so it is cheap for the many small
    models of an experiment. Labels come from :func:`kzoo.evaluation.labels_from_probabilities`
    (one sigmoid unit: ``>= 0.5``; softmax: argmax).
    """
    from kzoo.evaluation import labels_from_probabilities

    labels = labels_from_probabilities(keras.ops.convert_to_numpy(model(x, training=False)))
    return float(np.mean(labels == np.asarray(y).reshape(-1)))
