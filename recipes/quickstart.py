"""Quick start: the guide's recommended default configuration on bundled digits.

Follows the guide's Training Methodology end to end:

1. Phase 1, data: load the 8x8 digits that ship with scikit-learn, split
   70 / 15 / 15 (stratified, seeded), standardize with training statistics
   inside the model (a ``keras.layers.Normalization`` adapted on the training
   split), so the saved model takes raw digits.
2. Quick Start model: ``kzoo.mlp_classifier`` with the guide's defaults
   (256 -> 128 ReLU, dropout 0.3, Adam at 1e-3, batch 32).
3. Fit for up to 200 epochs with ``kzoo.callbacks.recommended()``: early
   stopping (patience 15, best weights restored), ReduceLROnPlateau (halve
   after 5 stagnant epochs) and TerminateOnNaN.
4. Evaluate once on the held-out test split with ``kzoo.evaluate``: the
   metric table, a per-class report, and ``<output>/report/`` with the
   learning curves, confusion matrix, ROC curves and ``summary.md``.
5. Save the model, standardization included, as a ``.keras`` file:
   ``keras.saving.load_model(path).predict(raw_digits)`` is all a user needs.

Run:  python recipes/quickstart.py            (about a minute on a 2-core CPU)
      KERAS_BACKEND=jax python recipes/quickstart.py --output runs/quickstart
"""

import argparse
import os
import time

import keras
import numpy as np

import kzoo
from kzoo import data, defaults


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=defaults.EPOCHS)
    parser.add_argument("--output", default="runs/quickstart",
                        help="folder for the saved model and report (default: runs/quickstart)")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()

    # Phase 1: data preparation.
    x, y = data.load_digits()
    splits = data.split(x, y, seed=args.seed)
    print(f"digits: {len(x)} samples, {x.shape[1]} features, 10 classes -> {splits}")

    # Quick Start: the recommended default configuration, behind the
    # standardization (training statistics only) so that the model, and the
    # file it is saved to, take raw pixel values.
    standardize = data.scaling.normalization_layer(splits.x_train, name="standardize")
    model = data.scaling.with_preprocessing(
        kzoo.mlp_classifier(num_classes=10, input_shape=x.shape[1:]), standardize)
    model.summary(print_fn=lambda line, **_: print(line))

    # The guide's callbacks: early stopping on the validation loss (patience 15,
    # best weights restored), ReduceLROnPlateau (halve after 5 stagnant epochs,
    # floor 1e-7) and TerminateOnNaN.
    callbacks = kzoo.callbacks.recommended()
    history = model.fit(splits.x_train, splits.y_train, validation_data=splits.val,
                        epochs=args.epochs, batch_size=defaults.BATCH_SIZE,
                        callbacks=callbacks, verbose=args.verbose)
    epochs_run = len(history.history["loss"])
    best = int(np.argmin(history.history["val_loss"])) + 1
    print(f"trained {epochs_run} epochs; best validation loss at epoch {best}")

    # Final evaluation, once, on the test split: the guide's metrics as a
    # report (accuracy, macro precision/recall/F1, AUC-ROC, confusion matrix).
    from sklearn.metrics import classification_report

    scores = model.evaluate(splits.x_test, splits.y_test, verbose=0, return_dict=True)
    report = kzoo.evaluate(model, splits.x_test, splits.y_test, history=history)
    print(report)
    print(classification_report(splits.y_test, report.y_pred, digits=3))
    print(f"test accuracy: {scores['accuracy']:.4f}")

    os.makedirs(args.output, exist_ok=True)
    written = report.save(os.path.join(args.output, "report"))
    print(f"report: {len(written) - 1} figures and {written[-1]}")
    path = os.path.join(args.output, "mlp_classifier.keras")
    model.save(path)
    print(f"saved {path} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return scores


if __name__ == "__main__":
    main()
