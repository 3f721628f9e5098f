"""Records the TrainingDoctor's labelled corpus from real kzoo training runs.

Each run is a small, seeded ``model.fit`` of a kzoo factory on a bundled or
synthetic dataset, configured to provoke one of the guide's problems (or none:
the healthy runs, with realistic noise from small data, small batches and
dropout). A recorder callback keeps, per epoch, every log value (loss, metrics,
their ``val_`` counterparts), the learning rate used in that epoch and, for
classifiers, how many validation samples were predicted as each class. The
labels are then computed from that record by the definitions in ``LABELS.md``
(``labels.py``), never from the doctor's output.

The corpus is written as one JSON-lines file per backend,
``benchmarks/doctor/corpus/<backend>.jsonl``. Each backend runs in its own
process (``KERAS_BACKEND`` is fixed per process)::

    python benchmarks/doctor/record.py                      # jax and tensorflow
    python benchmarks/doctor/record.py --backend jax --only overfit

The whole corpus takes a few CPU minutes per backend (tiny models, <= 40
epochs, a few hundred samples).
"""

import argparse
import json
import math
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
BACKENDS = ("jax", "tensorflow")


# --------------------------------------------------------------------- datasets
def _datasets():
    """Dataset builders: name -> fn(seed) -> dict(train=(x, y), val=(x, y), task, ...)."""
    import numpy as np

    from kzoo import data

    def _split(x, y, seed, scale=True):
        splits = data.split(x, y, seed=seed)
        if scale:
            splits, _ = data.standardize(splits)
        return splits

    def _subset(x, y, n, seed):
        if n is None or n >= len(x):
            return x, y
        keep = np.random.default_rng(seed).choice(len(x), n, replace=False)
        return x[keep], y[keep]

    def _noisy(y, fraction, classes, seed):
        rng = np.random.default_rng(seed + 100)
        y = y.copy()
        flip = rng.random(len(y)) < fraction
        y[flip] = rng.integers(0, classes, flip.sum())
        return y

    def digits(seed, n=None, label_noise=0.0, scale=True, input_scale=1.0):
        x, y = data.load_digits()
        s = _split(x, y, seed, scale=scale)
        xt, yt = _subset(s.x_train, s.y_train, n, seed)
        if label_noise:
            yt = _noisy(yt, label_noise, 10, seed)
        return dict(train=(xt * input_scale, yt), val=(s.x_val * input_scale, s.y_val),
                    task="multiclass", num_classes=10)

    def digit_images(seed, n=None, label_noise=0.0):
        x, y = data.load_digits(as_images=True)
        s = data.split(x / 16.0, y, seed=seed)
        xt, yt = _subset(s.x_train, s.y_train, n, seed)
        if label_noise:
            yt = _noisy(yt, label_noise, 10, seed)
        return dict(train=(xt, yt), val=s.val, task="multiclass", num_classes=10)

    def digit_rows(seed, n=None, label_noise=0.0):
        # each 8x8 digit read row by row: 8 steps of 8 features
        x, y = data.load_digits()
        s = data.split((x / 16.0).reshape(-1, 8, 8), y, seed=seed)
        xt, yt = _subset(s.x_train, s.y_train, n, seed)
        if label_noise:
            yt = _noisy(yt, label_noise, 10, seed)
        return dict(train=(xt, yt), val=s.val, task="multiclass", num_classes=10)

    def breast_cancer(seed, n=None, scale=True, input_scale=1.0, label_noise=0.0):
        x, y = data.load_breast_cancer()
        s = _split(x, y, seed, scale=scale)
        xt, yt = _subset(s.x_train, s.y_train, n, seed)
        if label_noise:
            yt = _noisy(yt, label_noise, 2, seed)
        return dict(train=(xt * input_scale, yt), val=(s.x_val * input_scale, s.y_val),
                    task="binary", num_classes=2)

    def diabetes(seed, n=None, scale_y=True):
        x, y = data.load_diabetes()
        s = _split(x, y, seed)
        mean, std = s.y_train.mean(), s.y_train.std()
        yt, yv = s.y_train, s.y_val
        if scale_y:
            yt, yv = (yt - mean) / std, (yv - mean) / std
        xt, yt = _subset(s.x_train, yt, n, seed)
        return dict(train=(xt, yt.astype("float32")), val=(s.x_val, yv.astype("float32")),
                    task="regression", num_classes=None)

    def blobs(seed, n=300, n_val=150, features=8, classes=3, spread=3.0, input_scale=1.0,
              label_noise=0.0):
        centers = np.random.default_rng(99).normal(0, spread, size=(classes, features))

        def make(m, s):
            rng = np.random.default_rng(s)
            y = rng.integers(0, classes, size=m)
            x = centers[y] + rng.normal(0, 1, size=(m, features))
            return (x * input_scale).astype("float32"), y.astype("int32")

        (xt, yt), val = make(n, seed), make(n_val, seed + 1)
        if label_noise:
            yt = _noisy(yt, label_noise, classes, seed)
        return dict(train=(xt, yt), val=val, task="multiclass" if classes > 2 else "binary",
                    num_classes=classes)

    def noise_labels(seed, n=48, n_val=200, features=20):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(n + n_val, features)).astype("float32")
        y = rng.integers(0, 2, size=n + n_val).astype("int32")
        return dict(train=(x[:n], y[:n]), val=(x[n:], y[n:]), task="binary", num_classes=2)

    def xor_band(seed, n=400, n_val=200):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(n + n_val, 2)).astype("float32")
        y = ((x[:, 0] > 0) ^ (np.abs(x[:, 1]) > 0.8)).astype("int32")
        return dict(train=(x[:n], y[:n]), val=(x[n:], y[n:]), task="binary", num_classes=2)

    def imbalanced(seed, n=400, positive=0.1, shift=0.5, features=8):
        rng = np.random.default_rng(seed)
        y = (rng.random(n) < positive).astype("int32")
        x = (rng.normal(size=(n, features)) + shift * y[:, None]).astype("float32")
        cut = int(0.75 * n)
        return dict(train=(x[:cut], y[:cut]), val=(x[cut:], y[cut:]), task="binary",
                    num_classes=2)

    def linear_regression(seed, n=400, n_val=150, features=8, noise=0.3, nonlinear=False,
                          target_scale=1.0):
        rng = np.random.default_rng(seed)
        w = np.random.default_rng(7).normal(size=(features, 1))
        x = rng.normal(size=(n + n_val, features)).astype("float32")
        signal = x @ w / math.sqrt(features)
        if nonlinear:  # sines on top: a one-unit model fits only the linear part
            signal = 0.7 * signal + np.sin(2.5 * x[:, :1]) + np.cos(2.0 * x[:, 1:2]) * np.sign(
                x[:, 2:3])
        y = signal + noise * rng.normal(size=(n + n_val, 1))
        y = ((y - y[:n].mean()) / y[:n].std() * target_scale).astype("float32")
        return dict(train=(x[:n], y[:n]), val=(x[n:], y[n:]), task="regression",
                    num_classes=None)

    def digits_regression(seed):
        # the digit's value as a number: a regression target with variance ~8
        x, y = data.load_digits()
        s = _split(x, y, seed)
        return dict(train=(s.x_train, s.y_train.astype("float32")[:, None]),
                    val=(s.x_val, s.y_val.astype("float32")[:, None]), task="regression",
                    num_classes=None)

    def digit_rows_regression(seed):
        d = digit_rows(seed)
        (x, y), (xv, yv) = d["train"], d["val"]
        return dict(train=(x, y.astype("float32")[:, None]),
                    val=(xv, yv.astype("float32")[:, None]), task="regression", num_classes=None)

    def tokens(seed, n=600, n_val=200, length=12, vocab_size=20):
        x, y = data.token_order(n + n_val, length=length, vocab_size=vocab_size, seed=seed)
        return dict(train=(x[:n], y[:n]), val=(x[n:], y[n:]), task="binary", num_classes=2,
                    vocab_size=vocab_size, sequence_length=length)

    return dict(digits=digits, digit_images=digit_images, digit_rows=digit_rows,
                breast_cancer=breast_cancer, diabetes=diabetes, blobs=blobs,
                noise_labels=noise_labels, xor_band=xor_band, imbalanced=imbalanced,
                linear_regression=linear_regression, tokens=tokens,
                digits_regression=digits_regression,
                digit_rows_regression=digit_rows_regression)


# ------------------------------------------------------------------------- runs
def _run(name, provoked, dataset, model, epochs, batch_size=32, seeds=(0,), data_kwargs=None,
         callbacks=None, **model_kwargs):
    """One run specification (a plain dict, so it can be written to the corpus)."""
    return [dict(name=name, provoked=provoked, dataset=dataset, data_kwargs=data_kwargs or {},
                 model=model, model_kwargs=model_kwargs, epochs=epochs,
                 batch_size=batch_size, seed=seed, callbacks=callbacks)
            for seed in seeds]


def runs():
    """The corpus' runs: what each one provokes and how (the same on every backend)."""
    out = []
    # ---- healthy: the guide's defaults, with realistic noise (small data, small
    # batches, dropout); each is short enough that it is still improving or has
    # just converged
    out += _run("healthy_mlp_digits", "healthy", "digits", "mlp_classifier", 15,
                hidden_units=(64, 32))
    out += _run("healthy_mlp_digits_small_dropout", "healthy", "digits", "mlp_classifier", 25,
                batch_size=16, data_kwargs=dict(n=400), hidden_units=(64,), dropout=0.5,
                seeds=(0, 1))
    out += _run("healthy_mlp_digits_batch8", "healthy", "digits", "mlp_classifier", 15,
                batch_size=8, data_kwargs=dict(n=300), hidden_units=(64,), dropout=0.3,
                seeds=(0, 1))
    out += _run("healthy_mlp_digits_sgd", "healthy", "digits", "mlp_classifier", 20,
                hidden_units=(64,), optimizer="sgd", learning_rate=1e-2)
    out += _run("healthy_mlp_digits_recommended", "healthy", "digits", "mlp_classifier", 40,
                hidden_units=(64, 32), dropout=0.5, callbacks="recommended")
    out += _run("healthy_mlp_breast_cancer", "healthy", "breast_cancer", "mlp_classifier", 20,
                batch_size=16, hidden_units=(32, 16), dropout=0.3, seeds=(0, 1))
    out += _run("healthy_mlp_breast_cancer_recommended", "healthy", "breast_cancer",
                "mlp_classifier", 40, hidden_units=(32,), dropout=0.5,
                callbacks="recommended")
    out += _run("healthy_blobs", "healthy", "blobs", "mlp_classifier", 10,
                learning_rate=3e-3, hidden_units=(32,))
    out += _run("healthy_blobs_noisy_labels", "healthy", "blobs", "mlp_classifier", 20,
                batch_size=16, data_kwargs=dict(label_noise=0.2), dropout=0.5,
                hidden_units=(32,), seeds=(0, 1))
    out += _run("healthy_regression", "healthy", "linear_regression", "mlp_regressor", 20,
                hidden_units=(32,), dropout=0.1, learning_rate=3e-3, seeds=(0, 1))
    out += _run("healthy_cnn_digits", "healthy", "digit_images", "cnn_classifier", 8,
                filters=(8, 16), dense_units=(32,))
    out += _run("healthy_gru_digit_rows", "healthy", "digit_rows", "gru_classifier", 12,
                units=32)
    out += _run("healthy_lstm_digit_rows", "healthy", "digit_rows", "lstm_classifier", 12,
                batch_size=16, units=32, learning_rate=3e-3)
    out += _run("healthy_lstm_digit_rows_high_lr", "healthy", "digit_rows", "lstm_classifier",
                15, units=32, dropout=0.0, learning_rate=0.05)
    out += _run("healthy_transformer_tokens", "healthy", "tokens", "transformer_classifier", 20,
                batch_size=16, embed_dim=16, num_heads=2, ff_dim=32, num_layers=1,
                learning_rate=3e-3)
    # ---- overfitting: capacity >> data, no regularization
    out += _run("overfit_mlp_digits_noisy", "overfitting", "digits", "mlp_classifier", 40,
                data_kwargs=dict(n=100, label_noise=0.3), hidden_units=(256, 256), dropout=0.0)
    out += _run("overfit_mlp_breast_cancer_small", "overfitting", "breast_cancer",
                "mlp_classifier", 40, batch_size=8, data_kwargs=dict(n=60, label_noise=0.25),
                hidden_units=(256, 256), dropout=0.0)
    out += _run("overfit_noise_labels", "overfitting", "noise_labels", "mlp_classifier", 20,
                batch_size=16, hidden_units=(128, 128), dropout=0.0, learning_rate=3e-3)
    out += _run("overfit_diabetes", "overfitting", "diabetes", "mlp_regressor", 40,
                batch_size=8, data_kwargs=dict(n=80), hidden_units=(256, 256), dropout=0.0)
    out += _run("overfit_cnn_digits_small", "overfitting", "digit_images", "cnn_classifier", 40,
                batch_size=8, data_kwargs=dict(n=40), filters=(16, 32), dense_units=(128,),
                dropout=0.0, batch_norm=False)
    out += _run("overfit_gru_digit_rows_small", "overfitting", "digit_rows", "gru_classifier",
                40, batch_size=8, data_kwargs=dict(n=60), units=64, dropout=0.0,
                learning_rate=3e-3)
    out += _run("overfit_transformer_tokens_small", "overfitting", "tokens",
                "transformer_classifier", 30, batch_size=8, data_kwargs=dict(n=80),
                embed_dim=32, num_heads=2, ff_dim=64, num_layers=1, dropout=0.0,
                learning_rate=3e-3)
    # ---- underfitting: too little capacity (or too much regularization)
    out += _run("underfit_perceptron_xor", "underfitting", "xor_band", "perceptron", 15,
                learning_rate=3e-2)
    out += _run("underfit_tiny_mlp_digits", "underfitting", "digits", "mlp_classifier", 30,
                hidden_units=(2,), dropout=0.0, learning_rate=1e-2)
    out += _run("underfit_one_unit_mlp_digits", "underfitting", "digits", "mlp_classifier", 20,
                hidden_units=(1,), dropout=0.0, learning_rate=1e-2)
    out += _run("underfit_regression_sines", "underfitting", "linear_regression",
                "mlp_regressor", 25, data_kwargs=dict(nonlinear=True, noise=0.1),
                hidden_units=(1,), dropout=0.0, learning_rate=5e-2)
    # ---- learning rate too high: oscillation
    out += _run("oscillate_sgd_tanh_blobs", "oscillating_loss", "blobs", "mlp_classifier", 14,
                data_kwargs=dict(n=200, n_val=100, spread=1.5), hidden_units=(64,),
                activation="tanh", dropout=0.0, optimizer="sgd", learning_rate=0.5)
    out += _run("oscillate_adam_digits", "oscillating_loss", "digits", "mlp_classifier", 20,
                hidden_units=(64,), dropout=0.0, learning_rate=0.05)
    out += _run("oscillate_sgd_breast_cancer", "oscillating_loss", "breast_cancer",
                "mlp_classifier", 20, batch_size=16, hidden_units=(32,), activation="tanh",
                dropout=0.0, optimizer="sgd", learning_rate=1.0)
    out += _run("oscillate_adam_breast_cancer", "oscillating_loss", "breast_cancer",
                "mlp_classifier", 20, batch_size=16, hidden_units=(64,), dropout=0.0,
                learning_rate=0.1)
    out += _run("oscillate_sgd_tanh_digits", "oscillating_loss", "digits", "mlp_classifier",
                15, hidden_units=(64,), activation="tanh", dropout=0.0, optimizer="sgd",
                learning_rate=2.0)
    # ---- learning rate too high: the loss far above the trivial predictor's
    out += _run("diverge_digits_lr10", "diverging", "digits", "mlp_classifier", 8,
                learning_rate=10.0, hidden_units=(64, 32))
    out += _run("diverge_dead_relu_digits", "diverging", "digits", "mlp_classifier", 15,
                hidden_units=(32,), dropout=0.0, learning_rate=0.3)
    out += _run("diverge_unscaled_blobs", "diverging", "blobs", "mlp_classifier", 5,
                data_kwargs=dict(input_scale=100.0), hidden_units=(64,), learning_rate=1.0)
    out += _run("diverge_digits_regression_sgd", "diverging", "digits_regression",
                "mlp_regressor", 10, hidden_units=(64, 64), dropout=0.0, optimizer="sgd",
                learning_rate=1.0)
    out += _run("diverge_sgd_blobs", "diverging", "blobs", "mlp_classifier", 15,
                hidden_units=(16,), dropout=0.0, optimizer="sgd", learning_rate=3.0)

    # ---- NaN / explosion
    out += _run("nan_regression_sgd", "nan_loss", "linear_regression", "mlp_regressor", 10,
                data_kwargs=dict(n=128, target_scale=10.0), hidden_units=(32, 32), dropout=0.0,
                optimizer="sgd", learning_rate=1e3)
    out += _run("nan_diabetes_sgd", "nan_loss", "diabetes", "mlp_regressor", 10,
                data_kwargs=dict(scale_y=False), hidden_units=(32,), dropout=0.0,
                optimizer="sgd", learning_rate=0.1)
    out += _run("nan_digits_regression_sgd", "nan_loss", "digits_regression", "mlp_regressor",
                10, hidden_units=(64, 64), dropout=0.0, optimizer="sgd", learning_rate=10.0)
    out += _run("nan_gru_regression_sgd", "nan_loss", "digit_rows_regression", "gru_regressor",
                10, units=16, optimizer="sgd", learning_rate=100.0)
    # ---- learning rate too low: the weights do not move / the loss falls slowly
    out += _run("frozen_lr1e-7_blobs", "no_improvement", "blobs", "mlp_classifier", 25,
                batch_size=64, data_kwargs=dict(n=64), hidden_units=(16,), dropout=0.0,
                learning_rate=1e-7)
    out += _run("frozen_lr1e-8_breast_cancer", "no_improvement", "breast_cancer",
                "mlp_classifier", 25, hidden_units=(16,), dropout=0.0, learning_rate=1e-8)
    out += _run("frozen_mlp_digits_lr1e-8", "no_improvement", "digits", "mlp_classifier", 22,
                hidden_units=(32,), dropout=0.0, learning_rate=1e-8)
    out += _run("slow_lr1e-5_digits", "slow_progress", "digits", "mlp_classifier", 25,
                hidden_units=(32,), dropout=0.0, learning_rate=1e-5)
    out += _run("slow_lr1e-5_breast_cancer", "slow_progress", "breast_cancer",
                "mlp_classifier", 25, hidden_units=(32,), dropout=0.0, learning_rate=1e-5)
    out += _run("slow_lstm_lr3e-5_digit_rows", "slow_progress", "digit_rows",
                "lstm_classifier", 15, units=32, learning_rate=3e-5)
    out += _run("slow_regression_lr1e-5", "slow_progress", "linear_regression",
                "mlp_regressor", 20, hidden_units=(32,), dropout=0.0, learning_rate=1e-5)
    # ---- stuck at the trivial predictor: labels that carry no signal
    out += _run("stuck_shuffled_digits", "stuck_at_trivial", "digits", "mlp_classifier", 20,
                data_kwargs=dict(label_noise=1.0), hidden_units=(16,), dropout=0.5)
    out += _run("stuck_shuffled_gru", "stuck_at_trivial", "digit_rows", "gru_classifier", 15,
                data_kwargs=dict(label_noise=1.0), units=8)
    out += _run("stuck_shuffled_blobs", "stuck_at_trivial", "blobs", "mlp_classifier", 15,
                data_kwargs=dict(label_noise=1.0), hidden_units=(8,), dropout=0.5)
    out += _run("stuck_gru_lr1e-5", "stuck_at_trivial", "digit_rows", "gru_classifier", 15,
                units=32, learning_rate=1e-5)
    out += _run("stuck_shuffled_cnn", "stuck_at_trivial", "digit_images", "cnn_classifier", 12,
                data_kwargs=dict(label_noise=1.0), filters=(8, 16), dense_units=(16,),
                dropout=0.5)
    # ---- collapsed predictions: imbalance + a huge learning rate, or constant outputs
    out += _run("collapse_imbalanced", "collapsed_predictions", "imbalanced", "mlp_classifier",
                6, hidden_units=(32,), learning_rate=1.0)
    out += _run("collapse_imbalanced_sgd", "collapsed_predictions", "imbalanced",
                "mlp_classifier", 10, data_kwargs=dict(positive=0.15), hidden_units=(32,),
                optimizer="sgd", learning_rate=2.0)
    out += _run("collapse_mlp_sgd_lr1e4", "collapsed_predictions", "digits", "mlp_classifier",
                8, hidden_units=(64,), dropout=0.0, optimizer="sgd", learning_rate=1e4)
    out += _run("collapse_unscaled_breast_cancer", "collapsed_predictions", "breast_cancer",
                "mlp_classifier", 8, data_kwargs=dict(scale=False), hidden_units=(32,),
                learning_rate=3.0)
    out += _run("collapse_cnn_lr3", "collapsed_predictions", "digit_images", "cnn_classifier",
                8, filters=(8, 16), dense_units=(32,), learning_rate=3.0)
    out += _run("collapse_lstm_sgd_lr1e3", "collapsed_predictions", "digit_rows",
                "lstm_classifier", 8, units=16, optimizer="sgd", learning_rate=1e3)
    out += _run("collapse_l2_digits", "collapsed_predictions", "digits", "mlp_classifier", 12,
                hidden_units=(32,), dropout=0.0, l2=10.0, learning_rate=1e-2)
    # ---- plateau: a constant, high-ish rate that stops making progress
    out += _run("plateau_l2_breast_cancer_high_lr", "plateau", "breast_cancer",
                "mlp_classifier", 40, batch_size=16, hidden_units=(32,), dropout=0.3, l2=0.01,
                learning_rate=1e-2)
    out += _run("plateau_l2_blobs_high_lr", "plateau", "blobs", "mlp_classifier", 40,
                batch_size=8, hidden_units=(32,), dropout=0.3, l2=0.01, learning_rate=1e-2)
    out += _run("plateau_l2_digits_high_lr", "plateau", "digits", "mlp_classifier", 40,
                batch_size=16, hidden_units=(64,), dropout=0.3, l2=0.01, learning_rate=1e-2)
    return out


# -------------------------------------------------------------------- recording
def _round(value, digits=6):
    if value is None or not math.isfinite(value):
        return None if value is None else str(value)  # "nan", "inf" survive JSON
    return float(f"{value:.{digits}g}")


def _build(spec, d):
    import kzoo

    kwargs = dict(spec["model_kwargs"])
    factory = getattr(kzoo, spec["model"])
    x, _ = d["train"]
    if d["num_classes"] is not None:
        kwargs["num_classes"] = d["num_classes"]
    if "vocab_size" in d:
        kwargs.update(vocab_size=d["vocab_size"], sequence_length=d["sequence_length"])
    else:
        kwargs["input_shape"] = x.shape[1:]
    return factory(**kwargs)


def _trivial(d):
    """The trivial predictor's loss and score, from the training targets."""
    import numpy as np

    y = np.asarray(d["train"][1])
    yv = np.asarray(d["val"][1])
    if d["task"] == "regression":
        return float(np.mean(np.var(y.reshape(len(y), -1), axis=0))), 0.0
    p = np.bincount(y.ravel(), minlength=d["num_classes"]) / y.size
    p = p[p > 0]
    counts = np.bincount(yv.ravel(), minlength=d["num_classes"])
    return float(-(p * np.log(p)).sum()), float(counts.max() / counts.sum())


def record_one(spec, datasets):
    import keras
    import numpy as np

    import kzoo

    keras.backend.clear_session()
    keras.utils.set_random_seed(spec["seed"])
    d = datasets[spec["dataset"]](spec["seed"], **spec["data_kwargs"])
    model = _build(spec, d)
    (x, y), (xv, yv) = d["train"], d["val"]
    epochs = []

    class Recorder(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            row = {k: _round(float(v)) for k, v in (logs or {}).items()}
            row["learning_rate"] = _round(float(keras.ops.convert_to_numpy(
                self.model.optimizer.learning_rate)))
            if d["num_classes"] is not None:
                pred = np.asarray(self.model.predict(xv, batch_size=256, verbose=0))
                if pred.shape[-1] == 1:
                    classes = (pred[:, 0] > 0.5).astype("int64")
                else:
                    classes = pred.argmax(-1)
                row["val_predicted_counts"] = np.bincount(
                    classes, minlength=d["num_classes"]).tolist()
            epochs.append(row)

    initial_val_loss = float(model.evaluate(xv, yv, batch_size=256, verbose=0,
                                            return_dict=True)["loss"])
    callbacks = [Recorder(), keras.callbacks.TerminateOnNaN()]
    if spec["callbacks"] == "recommended":
        callbacks += kzoo.callbacks.recommended()
    start = time.process_time()
    model.fit(x, y, validation_data=(xv, yv), epochs=spec["epochs"],
              batch_size=spec["batch_size"], callbacks=callbacks, verbose=0)
    seconds = time.process_time() - start
    trivial_loss, chance_score = _trivial(d)
    history = {}
    for row in epochs:
        for key in row:
            history.setdefault(key, [])
    for row in epochs:
        for key in history:
            history[key].append(row.get(key))
    loss = model.loss
    meta = dict(
        id=f"{keras.backend.backend()}/{spec['name']}/s{spec['seed']}",
        backend=keras.backend.backend(), **spec,
        task=d["task"], num_classes=d["num_classes"],
        loss_name=getattr(loss, "name", str(loss)),
        output_units=int(model.output_shape[-1]),
        weight_matrices=sum(1 for v in model.trainable_weights if len(v.shape) >= 2),
        n_train=int(len(x)), n_val=int(len(xv)),
        trivial_loss=_round(trivial_loss), chance_score=_round(chance_score),
        initial_val_loss=_round(initial_val_loss),
        cpu_seconds=round(seconds, 2), history=history)
    if d["num_classes"] is not None:
        meta["val_label_counts"] = np.bincount(np.asarray(yv).ravel(),
                                               minlength=d["num_classes"]).tolist()
    else:
        meta["val_targets"] = [_round(float(v), 4) for v in np.asarray(yv).ravel()]
    return meta


def _specs(seed=None):
    """The runs to record: ``runs()``, or every configuration once with ``seed``."""
    if seed is None:
        return runs()
    unique = {}
    for spec in runs():
        unique.setdefault(spec["name"], dict(spec, seed=seed))
    return list(unique.values())


def record_backend(backend, only=None, out=CORPUS, seed=None):
    sys.path.insert(0, str(HERE))
    import keras
    from labels import label_run

    assert keras.backend.backend() == backend, (keras.backend.backend(), backend)
    datasets = _datasets()
    out.mkdir(parents=True, exist_ok=True)
    path = out / (f"{backend}.jsonl" if seed is None else f"{backend}_seed{seed}.jsonl")
    kept = {}
    if only and path.exists():  # re-record a subset, keep the other runs
        for line in path.read_text().splitlines():
            run = json.loads(line)
            kept[run["id"]] = run
    order = {f"{backend}/{s['name']}/s{s['seed']}": i for i, s in enumerate(_specs(seed))}

    def write():
        lines = [json.dumps(r, separators=(",", ":"))
                 for r in sorted(kept.values(), key=lambda r: order.get(r["id"], 1e9))]
        path.write_text("\n".join(lines) + "\n")
        return len(lines)

    for spec in _specs(seed):
        if only and not any(o in spec["name"] for o in only):
            continue
        run = record_one(spec, datasets)
        run["labels"], run["label_evidence"] = label_run(run)
        kept[run["id"]] = run
        write()  # after every run, so an interruption keeps what was recorded
        mark = "" if _confirmed(run) else "   <-- provocation not confirmed"
        print(f"{run['id']:55s} {run['cpu_seconds']:6.1f}s  provoked={run['provoked']:22s} "
              f"labels={run['labels']}{mark}", flush=True)
    count = write()
    print(f"wrote {path} ({count} runs, {path.stat().st_size / 1e3:.0f} kB)")


def relabel(folder=CORPUS):
    """Re-applies the definitions (labels.py) to every recorded run, without training."""
    sys.path.insert(0, str(HERE))
    from labels import label_run

    for path in sorted(folder.glob("*.jsonl")):
        runs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        changed = 0
        for run in runs:
            labels, evidence = label_run(run)
            changed += labels != run["labels"]
            run["labels"], run["label_evidence"] = labels, evidence
        path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in runs))
        print(f"{path}: {len(runs)} runs, {changed} relabelled")
    return 0


def _confirmed(run):
    if run["provoked"] == "healthy":
        return run["labels"] == []
    return run["provoked"] in run["labels"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="all", choices=("all",) + BACKENDS + ("torch",))
    parser.add_argument("--seed", type=int, default=None,
                        help="record every configuration once with this seed, into "
                        "<backend>_seed<N>.jsonl (a held-out split)")
    parser.add_argument("--only", nargs="*", help="record only runs whose name contains one "
                        "of these strings (the others are kept from the existing file)")
    parser.add_argument("--out", default=str(CORPUS), help="output folder")
    parser.add_argument("--relabel", action="store_true", help="re-apply labels.py to the "
                        "recorded runs (no training) and rewrite the files")
    args = parser.parse_args(argv)
    if args.relabel:
        return relabel(pathlib.Path(args.out))
    if args.backend == "all":
        for backend in BACKENDS:
            env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
                       PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
            command = [sys.executable, __file__, "--backend", backend, "--out", args.out]
            if args.seed is not None:
                command += ["--seed", str(args.seed)]
            if args.only:
                command += ["--only", *args.only]
            subprocess.run(command, env=env, check=True)
        return 0
    if os.environ.get("KERAS_BACKEND") != args.backend:
        env = dict(os.environ, KERAS_BACKEND=args.backend, TF_CPP_MIN_LOG_LEVEL="3")
        os.execve(sys.executable, [sys.executable, __file__, *(argv or sys.argv[1:])], env)
    record_backend(args.backend, only=args.only, out=pathlib.Path(args.out), seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
