"""kzoo's sequence classifiers, with their defaults, on UCR/UEA problems vs published numbers.

A new user's protocol: the official train/test split (``kzoo.data.load_ucr``),
a stratified validation split carved from the training set
(``kzoo.data.split(..., test=0)``), ``kzoo.callbacks.recommended()``, each
factory's defaults, the test accuracy of the restored best epoch. Printed as a
markdown table next to the best published deep-learning accuracy per problem
from Fawaz et al., "Deep learning for time series classification: a review"
(2019), results files of https://github.com/hfawaz/dl-4-tsc (mean over the
repository's runs of the best of its nine networks):

* ``results/results-ucr-128.csv`` (UCR 2018 archive, 5 runs per network),
* ``results/results-mts.csv`` (Baydogan's MTS archive, 10 runs per network).

Problems not in those files say "no published number". Normalization, stated
in the table: per-series z-normalization for univariate problems (the UCR
convention), per-channel standardization fitted on train for multivariate
ones (z-normalizing each series would erase amplitude, see
``kzoo.data.series_scaling``). Variable-length problems are padded at the end
with 0.0; the recurrent and attention models get ``mask_value=0.0``.

It reports; it asserts nothing. One process, one backend at a time::

    KERAS_BACKEND=jax python benchmarks/ucr.py --data /path/to/ucr \\
        --datasets GunPoint ItalyPowerDemand --epochs 200 --out benchmarks/ucr_results.md

Without ``--data`` each problem is downloaded once from the public archive
(``kzoo.data.ucr.UCR_BASE_URL``) into the Keras cache.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kzoo  # noqa: E402
from kzoo.evaluation import predict_labels  # noqa: E402

SOURCE = "https://github.com/hfawaz/dl-4-tsc/blob/master/results/"
# (mean test accuracy, network, results file): the best network per problem,
# averaged over the file's runs (computed from the files at commit e0233ef).
PUBLISHED = {
    "ACSF1": (0.916, "ResNet", "results-ucr-128.csv"),
    "ArrowHead": (0.843, "FCN", "results-ucr-128.csv"),
    "GunPoint": (1.000, "FCN", "results-ucr-128.csv"),
    "ItalyPowerDemand": (0.966, "MCDCNN", "results-ucr-128.csv"),
    "OSULeaf": (0.980, "ResNet", "results-ucr-128.csv"),
    "PLAID": (0.940, "ResNet", "results-ucr-128.csv"),
    "JapaneseVowels": (0.993, "FCN", "results-mts.csv"),
}
NOT_PUBLISHED = {
    "UnitTest": "no published number (a cut of Chinatown: same train set, 22 of its 343 "
                "test series; Chinatown: 0.980 FCN in results-ucr-128.csv, not comparable)",
    "BasicMotions": "no published number (UEA 2018 archive; not in dl-4-tsc's files)",
}
DATASETS = ("GunPoint", "ItalyPowerDemand", "ArrowHead", "UnitTest", "BasicMotions",
            "JapaneseVowels", "OSULeaf", "ACSF1", "PLAID")
MODELS = ("fcn_classifier", "resnet1d_classifier", "inception_time_classifier",
          "lstm_classifier", "gru_classifier", "transformer_classifier")
MASKED = ("lstm_classifier", "gru_classifier", "rnn_classifier", "transformer_classifier")
MASK_VALUE = 0.0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=None,
                   help="folder with <Name>_TRAIN.ts/_TEST.ts (default: download)")
    p.add_argument("--datasets", nargs="+", default=list(DATASETS))
    p.add_argument("--models", nargs="+", default=list(MODELS))
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--val", type=float, default=0.2, help="validation fraction of train")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="markdown file for the table")
    p.add_argument("--verbose", type=int, default=0)
    return p.parse_args(argv)


def prepare(name, path, *, val, seed):
    """Loaded, normalized and split data of one problem, and how it was normalized."""
    ds = kzoo.data.load_ucr(name, path, pad=True, mask_value=MASK_VALUE)
    variable = len(set(ds.lengths_train) | set(ds.lengths_test)) > 1
    mask = MASK_VALUE if variable else None
    if ds.x_train.shape[2] == 1:
        x_train = kzoo.data.znormalize(ds.x_train, mask_value=mask)
        x_test = kzoo.data.znormalize(ds.x_test, mask_value=mask)
        how = "per series"
    else:
        scaler = kzoo.data.ChannelStandardizer(mask_value=mask).fit(ds.x_train)
        x_train, x_test = scaler.transform(ds.x_train), scaler.transform(ds.x_test)
        how = "per channel"
    splits = kzoo.data.split(x_train, ds.y_train, val=val, test=0, seed=seed)
    return ds, splits, (x_test, ds.y_test), {"variable": variable, "normalized": how}


def run_model(name, ds, splits, test, info, args):
    """Test accuracy and epochs of one model on one problem (or the error)."""
    keras.utils.set_random_seed(args.seed)
    kwargs = {"num_classes": ds.num_classes, "input_shape": splits.x_train.shape[1:]}
    if info["variable"] and name in MASKED:
        kwargs["mask_value"] = MASK_VALUE
    start = time.perf_counter()
    try:
        model = kzoo.create_model(name, **kwargs)
        history = model.fit(*splits.train, validation_data=splits.val, epochs=args.epochs,
                            batch_size=args.batch_size, verbose=args.verbose,
                            callbacks=kzoo.callbacks.recommended())
        accuracy = float(np.mean(predict_labels(model, test[0]) == test[1]))
    except Exception as e:  # a benchmark reports failures instead of stopping
        return {"error": f"{type(e).__name__}: {e}"[:200]}
    return {"accuracy": accuracy, "epochs": len(history.history["loss"]),
            "seconds": time.perf_counter() - start}


def _cell(result):
    if result is None:
        return "-"
    if "error" in result:
        return "error"
    return f"{result['accuracy']:.3f} ({result['epochs']} ep)"


def table(rows, models):
    head = ("| dataset | train/test | steps x channels | normalized | "
            + " | ".join(models) + " | best kzoo | published best DL | gap (points) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        scores = {m: r["accuracy"] for m, r in row["results"].items() if r and "accuracy" in r}
        best = max(scores.values()) if scores else None
        pub = PUBLISHED.get(row["dataset"])
        published = (f"{pub[0]:.3f} {pub[1]} ([{pub[2]}]({SOURCE}{pub[2]}))" if pub
                     else NOT_PUBLISHED.get(row["dataset"], "no published number"))
        gap = f"{100 * (best - pub[0]):+.1f}" if pub and best is not None else "-"
        lines.append(f"| {row['dataset']} | {row['sizes']} | {row['shape']} | "
                     f"{row['normalized']} | "
                     + " | ".join(_cell(row["results"].get(m)) for m in models)
                     + f" | {'-' if best is None else f'{best:.3f}'} | {published} | {gap} |")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    registered = set(kzoo.list_models())
    models = [m for m in args.models if m in registered]
    for m in sorted(set(args.models) - registered):
        print(f"note: {m} is not registered in this kzoo; skipped")
    rows = []
    for name in args.datasets:
        ds, splits, test, info = prepare(name, args.data, val=args.val, seed=args.seed)
        row = {"dataset": name, "sizes": f"{len(ds.x_train)}/{len(ds.x_test)}",
               "shape": f"{ds.x_train.shape[1]}{'*' if info['variable'] else ''} x "
                        f"{ds.x_train.shape[2]}", "normalized": info["normalized"],
               "results": {}}
        for model in models:
            row["results"][model] = result = run_model(model, ds, splits, test, info, args)
            print(f"{name} {model}: {result}", flush=True)
        rows.append(row)
        _report(rows, models, args, argv)        # after every problem: partial runs count
    return rows


def _report(rows, models, args, argv):
    text = table(rows, models)
    footer = (f"\nBackend: {keras.backend.backend()}; epochs <= {args.epochs} "
              f"(early stopping), batch {args.batch_size}, validation {args.val} of train. "
              "`*`: variable length, padded (and masked in recurrent/attention models).")
    print(text + footer)
    if args.out:
        command = " ".join(["python benchmarks/ucr.py", *(sys.argv[1:] if argv is None
                                                          else argv)])
        with open(args.out, "w") as f:
            f.write(f"Command: `{command}`\n\n{text}\n{footer}\n")


if __name__ == "__main__":
    main()
