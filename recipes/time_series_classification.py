"""Time-series classification end to end: a UCR/UEA ``.ts`` dataset, an FCN, the test score.

1. Data: ``kzoo.data.load_ucr`` reads ``<Name>_TRAIN.ts`` / ``<Name>_TEST.ts``
   (the official split; string labels encoded by the returned LabelEncoder;
   variable-length series padded at the end with ``mask_value``). Without
   ``--data`` the recipe writes a generated problem (noisy waveforms,
   ``kzoo.data.shape_series``) as ``.ts`` files first, so it runs offline;
   ``--dataset GunPoint`` without ``--data`` downloads the real one.
2. Normalization (``--normalize auto``): per-series z-normalization for one
   channel (the UCR convention), per-channel standardization fitted on train
   for several (z-normalizing each series would erase amplitude). Padding is
   left out of the statistics.
3. A validation split carved from the training set only
   (``kzoo.data.split(..., test=0)``): the official test set stays untouched.
4. Model: ``kzoo.fcn_classifier`` (Wang et al. 2017) by default, any
   registered sequence classifier with ``--model``; recurrent and attention
   models get ``mask_value=`` for padded problems. ``kzoo.callbacks.recommended()``.
5. Test accuracy, labels mapped back through the encoder
   (``kzoo.evaluation.predict_labels``), and the confusion matrix.

Run:  python recipes/time_series_classification.py              (generated data, ~1 min)
      python recipes/time_series_classification.py --data ~/ucr --dataset GunPoint
      KERAS_BACKEND=jax python recipes/time_series_classification.py --dataset BasicMotions \\
          --model resnet1d_classifier
"""

import argparse
import os
import time

import keras
import numpy as np

import kzoo
from kzoo import data
from kzoo.evaluation import predict_labels

MASKED = ("lstm_classifier", "gru_classifier", "rnn_classifier", "transformer_classifier")


def generated_problem(folder, *, n, length, classes, seed):
    """Writes a generated ``Shapes`` problem as .ts files; returns ``(folder, name)``."""
    os.makedirs(folder, exist_ok=True)
    for part, offset in (("TRAIN", 0), ("TEST", 1)):
        x, labels = data.shape_series(n, length=length, classes=classes, seed=seed + offset)
        data.write_ts(os.path.join(folder, f"Shapes_{part}.ts"), x, labels,
                      problem_name="Shapes")
    return folder, "Shapes"


def normalize(ds, how, mask_value):
    """``(x_train, x_test, how)`` normalized as ``how`` (``auto`` picks by channels)."""
    if how == "auto":
        how = "series" if ds.x_train.shape[2] == 1 else "channel"
    if how == "series":
        return (data.znormalize(ds.x_train, mask_value=mask_value),
                data.znormalize(ds.x_test, mask_value=mask_value), how)
    if how == "channel":
        scaler = data.ChannelStandardizer(mask_value=mask_value).fit(ds.x_train)
        return scaler.transform(ds.x_train), scaler.transform(ds.x_test), how
    return ds.x_train, ds.x_test, how


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=None, help="folder with <Name>_TRAIN.ts / _TEST.ts")
    p.add_argument("--dataset", default=None,
                   help="problem name (default: a generated one; without --data: download)")
    p.add_argument("--model", default="fcn_classifier")
    p.add_argument("--normalize", default="auto", choices=("auto", "series", "channel", "none"))
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--val", type=float, default=0.2)
    p.add_argument("--n", type=int, default=120, help="series per split (generated data)")
    p.add_argument("--length", type=int, default=64, help="steps per series (generated)")
    p.add_argument("--classes", type=int, default=3, help="classes (generated data)")
    p.add_argument("--output", default="runs/time_series_classification")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    return p.parse_args(argv)


def main(argv=None):
    from sklearn.metrics import confusion_matrix

    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()
    path, name = args.data, args.dataset
    if name is None:
        path, name = generated_problem(os.path.join(args.output, "data"), n=args.n,
                                       length=args.length, classes=args.classes,
                                       seed=args.seed)
    ds = data.load_ucr(name, path, pad=True, mask_value=0.0)
    variable = len(set(ds.lengths_train) | set(ds.lengths_test)) > 1
    mask = 0.0 if variable else None
    x_train, x_test, how = normalize(ds, args.normalize, mask)
    print(f"{ds}; normalized per {how}{'; padded' if variable else ''}")
    splits = data.split(x_train, ds.y_train, val=args.val, test=0, seed=args.seed)

    kwargs = {"num_classes": ds.num_classes, "input_shape": x_train.shape[1:]}
    if variable and args.model in MASKED:
        kwargs["mask_value"] = 0.0
    model = kzoo.create_model(args.model, **kwargs)
    history = model.fit(*splits.train, validation_data=splits.val, epochs=args.epochs,
                        batch_size=args.batch_size, verbose=args.verbose,
                        callbacks=kzoo.callbacks.recommended())
    labels = predict_labels(model, x_test, ds.encoder)
    truth = ds.encoder.inverse_transform(ds.y_test)
    accuracy = float(np.mean(labels == truth))
    matrix = confusion_matrix(truth, labels, labels=ds.encoder.classes_)
    print(f"trained {len(history.history['loss'])} epochs; test accuracy {accuracy:.3f} "
          f"({len(truth)} series)")
    print("confusion matrix (rows: true, columns: predicted):")
    width = max(len(str(c)) for c in ds.encoder.classes_) + 1
    print(" " * width + "".join(f"{str(c):>{width}}" for c in ds.encoder.classes_))
    for c, row in zip(ds.encoder.classes_, matrix):
        print(f"{str(c):>{width}}" + "".join(f"{v:>{width}d}" for v in row))
    os.makedirs(args.output, exist_ok=True)
    saved = os.path.join(args.output, f"{model.name}.keras")
    model.save(saved)
    print(f"saved {saved} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return {"accuracy": accuracy, "confusion_matrix": matrix, "path": saved,
            "classes": ds.encoder.classes_, "epochs": len(history.history["loss"])}


if __name__ == "__main__":
    main()
