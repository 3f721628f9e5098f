"""Make it smaller, make it reuse: distillation, pruning, int8 and transfer on bundled digits.

Follows the guide's "Advanced Topics" (neural-networks-master: Transfer
Learning; Pruning and Compression) and "Guidelines > Deployment" ("optimize
model size, use appropriate precision"):

1. Original: the guide's default MLP (256 -> 128, dropout 0.3, Adam 1e-3) on
   the 8x8 digits (70 / 15 / 15 split, pixels / 16).
2. Distilled: a one-layer student (``--student-units``) trained on the
   original's soft targets (``kzoo.compression.Distiller``, T = 4), next to
   the same student trained alone on the same data - on the whole training
   split (the table) and on ``--few-labels`` samples, where soft targets
   matter most.
3. Pruned: the original fine-tuned while ``MagnitudePruning`` removes 80% of
   its hidden weights (polynomial schedule); and 50% of its hidden *units*,
   then ``shrink`` -> a structurally smaller model.
4. Quantized: Keras' ``Model.quantize("int8")`` through
   ``kzoo.compression.quantize``.
5. Transfer: the original adapted to a new domain (the test digits through a
   noisy scanner) with ``--labels-per-class`` labels per class, against the
   same architecture trained from scratch on those labels.

For each model it prints test accuracy, parameters (non-zero), the ``.keras``
file size, its zipped size and the latency of one ``predict`` of 4,096
samples. Zeros do not shrink a ``.keras`` file (it is stored uncompressed):
weight pruning shows in the zipped size, unit pruning and int8 in the file.

Run:  python recipes/reuse_and_compress.py            (~1 min on a CPU)
      KERAS_BACKEND=torch python recipes/reuse_and_compress.py --epochs 50
"""

import argparse
import os
import time

import keras
import numpy as np

import kzoo
from kzoo import compression, data, defaults, transfer


def accuracy(model, x, y):
    """Test accuracy from ``predict`` (argmax of the softmax)."""
    return float(np.mean(model.predict(x, batch_size=len(x), verbose=0).argmax(-1) == y))


def timed_predict(model, x, samples=4096, repeats=5):
    """Predictions for ``x`` and the best time (ms) of one ``predict`` of ``samples`` rows.

    ``x`` is repeated to ``samples`` rows and predicted in one batch, so the arithmetic,
    not Keras' per-call overhead, dominates; the best of ``repeats`` runs (after a
    warm-up) is the least disturbed by other processes.
    """
    batch = np.resize(x, (samples, *x.shape[1:]))
    predictions = model.predict(batch, batch_size=samples, verbose=0)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(batch, batch_size=samples, verbose=0)
        best = min(best, time.perf_counter() - start)
    return predictions[:len(x)], 1000 * best


def measure(model, x, y):
    """Accuracy, sizes and latency of one model, as a dict."""
    size = compression.model_size(model)
    predictions, latency = timed_predict(model, x)
    return {"accuracy": float(np.mean(predictions.argmax(-1) == y)),
            "parameters": size.parameters, "nonzero": size.nonzero_parameters,
            "file_kb": size.file_bytes / 1024, "zipped_kb": size.zipped_bytes / 1024,
            "latency_ms": latency}


def few_labels(y, per_class, seed):
    """Indices of ``per_class`` random samples of each class."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                           for c in np.unique(y)])


def noisy(x, noise, seed):
    """The digits through a noisy scanner: Gaussian pixel noise, clipped to [0, 1]."""
    rng = np.random.default_rng(seed)
    return np.clip(x + rng.normal(0.0, noise, x.shape), 0.0, 1.0).astype("float32")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30, help="epochs of the original")
    parser.add_argument("--batch-size", type=int, default=defaults.BATCH_SIZE)
    parser.add_argument("--student-units", type=int, default=32)
    parser.add_argument("--temperature", type=float, default=4.0)
    parser.add_argument("--few-labels", type=int, default=30,
                        help="student samples in the few-label comparison (0 skips it)")
    parser.add_argument("--sparsity", type=float, default=0.8, help="weight sparsity")
    parser.add_argument("--unit-sparsity", type=float, default=0.5)
    parser.add_argument("--prune-epochs", type=int, default=5)
    parser.add_argument("--labels-per-class", type=int, default=5)
    parser.add_argument("--noise", type=float, default=0.5, help="target-domain pixel noise")
    parser.add_argument("--transfer-epochs", type=int, default=30)
    parser.add_argument("--output", default="runs/reuse_and_compress")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()

    x, y = data.load_digits()
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.split(x / 16.0, y,
                                                                     seed=args.seed)
    fit = {"batch_size": args.batch_size, "verbose": args.verbose}

    original = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    original.fit(x_train, y_train, epochs=args.epochs, **fit)
    rows = {"original": measure(original, x_test, y_test)}

    # The Distiller freezes its teacher in place: give it a copy of the original.
    teacher = transfer.copy_model(original, compile=False)

    def students(x_fit, y_fit, epochs):
        """The same student (same initial weights) trained alone and distilled."""
        def student():
            return kzoo.mlp_classifier(num_classes=10, input_shape=(64,), dropout=0.0,
                                       hidden_units=(args.student_units,), learning_rate=1e-2)
        alone = student()
        start_weights = alone.get_weights()
        alone.fit(x_fit, y_fit, epochs=epochs, **fit)
        distilled = student()
        distilled.set_weights(start_weights)
        distiller = compression.Distiller(teacher, distilled, temperature=args.temperature)
        distiller.compile(learning_rate=1e-2)
        distiller.fit(x_fit, y_fit, epochs=epochs, **fit)
        return alone, distilled

    alone, distilled = students(x_train, y_train, args.epochs)
    rows["student alone"] = measure(alone, x_test, y_test)
    rows["distilled student"] = measure(distilled, x_test, y_test)
    distillation = None
    if args.few_labels:
        few = few_labels(y_train, max(1, args.few_labels // 10), args.seed)
        few_alone, few_distilled = students(x_train[few], y_train[few], 60)
        distillation = {"labels": len(few), "alone": accuracy(few_alone, x_test, y_test),
                        "distilled": accuracy(few_distilled, x_test, y_test)}

    pruned = transfer.copy_model(original)
    pruning = compression.MagnitudePruning(args.sparsity)
    pruned.fit(x_train, y_train, epochs=args.prune_epochs, callbacks=[pruning], **fit)
    pruned = compression.strip(pruned)
    rows[f"pruned {args.sparsity:.0%} weights"] = measure(pruned, x_test, y_test)

    thinned = transfer.copy_model(original)
    units = compression.MagnitudePruning(args.unit_sparsity, granularity="units")
    thinned.fit(x_train, y_train, epochs=args.prune_epochs, callbacks=[units], **fit)
    shrunk = compression.shrink(thinned)
    rows[f"pruned {args.unit_sparsity:.0%} units + shrink"] = measure(shrunk, x_test, y_test)

    quantized = compression.quantize(original, "int8").model
    rows["int8"] = measure(quantized, x_test, y_test)

    header = (f"{'model':<28}{'accuracy':>9}{'params':>9}{'nonzero':>9}{'.keras KB':>11}"
              f"{'zipped KB':>11}{'ms / 4096':>11}")
    print(header)
    print("-" * len(header))
    for name, r in rows.items():
        print(f"{name:<28}{r['accuracy']:>9.4f}{r['parameters']:>9,}{r['nonzero']:>9,}"
              f"{r['file_kb']:>11.1f}{r['zipped_kb']:>11.1f}{r['latency_ms']:>11.2f}")

    print()
    if distillation:
        print(f"student with {distillation['labels']} labels: alone "
              f"{distillation['alone']:.4f} vs distilled {distillation['distilled']:.4f}")

    # Transfer: adapt the original to noisy scans with a few labels per class.
    x_target, x_target_test = noisy(x_val, args.noise, 1), noisy(x_test, args.noise, 2)
    picked = few_labels(y_val, args.labels_per_class, args.seed)
    adapted = transfer.transfer(original, x_target[picked], y_val[picked], num_classes=10,
                                head_epochs=args.transfer_epochs,
                                fine_tune_epochs=max(1, args.transfer_epochs // 3),
                                fine_tune_layers=1, learning_rate=1e-2, batch_size=10,
                                verbose=args.verbose).model
    scratch = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
    scratch.fit(x_target[picked], y_val[picked], batch_size=10, verbose=args.verbose,
                epochs=args.transfer_epochs + max(1, args.transfer_epochs // 3))
    gain = {"labels": len(picked), "transfer": accuracy(adapted, x_target_test, y_test),
            "scratch": accuracy(scratch, x_target_test, y_test),
            "source_as_is": accuracy(original, x_target_test, y_test)}
    print(f"transfer to noisy digits (noise {args.noise}) with {len(picked)} labels: "
          f"transfer {gain['transfer']:.4f} vs scratch {gain['scratch']:.4f} "
          f"(gain {gain['transfer'] - gain['scratch']:+.4f}); "
          f"the clean model as is: {gain['source_as_is']:.4f}")

    os.makedirs(args.output, exist_ok=True)
    for name, model in (("original", original), ("distilled_student", distilled),
                        ("pruned", pruned), ("shrunk", shrunk), ("int8", quantized),
                        ("transferred", adapted)):
        model.save(os.path.join(args.output, f"{name}.keras"))
    print(f"saved 6 models to {args.output} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return {"rows": rows, "distillation": distillation, "transfer": gain}


if __name__ == "__main__":
    main()
