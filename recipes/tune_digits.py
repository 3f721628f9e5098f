"""Fine-tuning on bundled digits: search, retrain the best, compare with the default.

The guide's Phase 5 (Fine-Tuning) end to end, for ``mlp_classifier`` and one
CNN (``cnn_classifier`` on the 8x8 images):

1. Data: digits split 70 / 15 / 15 (stratified, seeded), standardized.
2. Baseline: the factory's default model trained with the recommended
   callbacks, scored once on the test split.
3. Search: ``kzoo.tune`` over learning rate, optimizer, dropout, width,
   depth, activation, batch norm and batch size, scored on the validation
   split; the trials table is printed.
4. Retrain the best configuration from scratch with the same callbacks and
   score it on the test split, next to the baseline.

Run:  python recipes/tune_digits.py                       (10 trials per model)
      python recipes/tune_digits.py --max-trials 3 --epochs 5   (a quick look)
      KERAS_BACKEND=jax python recipes/tune_digits.py --tuner bayesian

Rerunning the same command resumes the search in ``--output`` (pass
``--overwrite`` to start over).
"""

import argparse
import dataclasses
import time

import keras

import kzoo
from kzoo import data, defaults

MODELS = ("mlp_classifier", "cnn_classifier")


def _fit_and_test(model, splits, epochs, batch_size, verbose):
    model.fit(splits.x_train, splits.y_train, validation_data=splits.val, epochs=epochs,
              batch_size=batch_size, callbacks=kzoo.callbacks.recommended(), verbose=verbose)
    return model.evaluate(splits.x_test, splits.y_test, verbose=0,
                          return_dict=True)["accuracy"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated registry names (default: both)")
    parser.add_argument("--tuner", default="random", choices=kzoo.tuning.TUNERS)
    parser.add_argument("--max-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--output", default="runs/tune_digits")
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    fit_verbose = 2 if args.verbose == 2 else 0

    scores = {}
    for name in args.models.split(","):
        if name not in kzoo.list_models():
            print(f"skipping {name}: not registered")
            continue
        images = kzoo.model_info(name).family == "conv"
        x, y = data.load_digits(as_images=images)
        splits = data.split(x, y, seed=args.seed)
        if images:  # pixels are 0..16: one scale for all keeps the image structure
            splits = dataclasses.replace(splits, x_train=splits.x_train / 16,
                                         x_val=splits.x_val / 16, x_test=splits.x_test / 16)
        else:
            splits, _ = data.standardize(splits)
        fixed = {"num_classes": 10, "input_shape": x.shape[1:]}
        print(f"\n=== {name} on digits {splits} ===")

        keras.utils.set_random_seed(args.seed)
        baseline = _fit_and_test(kzoo.create_model(name, **fixed), splits, args.epochs,
                                 defaults.BATCH_SIZE, fit_verbose)

        result = kzoo.tune(name, splits.x_train, splits.y_train, validation_data=splits.val,
                           fixed=fixed, tuner=args.tuner, max_trials=args.max_trials,
                           epochs=args.epochs, directory=args.output, seed=args.seed,
                           overwrite=args.overwrite, verbose=min(args.verbose, 1))
        print(result.trials.sorted())

        keras.utils.set_random_seed(args.seed)
        tuned = _fit_and_test(result.build_best(), splits, args.epochs,
                              result.best_fit_kwargs.get("batch_size", defaults.BATCH_SIZE),
                              fit_verbose)
        scores[name] = {"default": baseline, "tuned": tuned, "trials": len(result.trials),
                        "best_hyperparameters": result.best_hyperparameters}

    print(f"\ntest accuracy ({keras.backend.backend()}, {args.tuner}, "
          f"{args.max_trials} trials, {time.perf_counter() - start:.0f}s):")
    print(f"{'model':<16} {'default':>8} {'tuned':>8}")
    for name, s in scores.items():
        print(f"{name:<16} {s['default']:>8.4f} {s['tuned']:>8.4f}")
    return scores


if __name__ == "__main__":
    main()
