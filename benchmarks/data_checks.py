"""What the models' own data checks cost: one check of 100,000 x 64 floats vs one epoch of fit.

    KERAS_BACKEND=jax python benchmarks/data_checks.py
"""

import argparse
import time

import numpy as np

import kzoo
from kzoo.tasks import data_checks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=64)
    args = parser.parse_args(argv)
    model = kzoo.mlp_classifier(num_classes=10, input_shape=(args.features,))
    x = np.random.default_rng(0).random((args.samples, args.features), dtype="float32")
    y = np.random.default_rng(1).integers(0, 10, args.samples)
    data_checks.check_data(model, x, y)
    start = time.perf_counter()
    for _ in range(5):
        data_checks.check_data(model, x, y)
    check = (time.perf_counter() - start) / 5
    start = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    epoch = time.perf_counter() - start
    print(f"check_data on {args.samples}x{args.features} float32 + labels: {check * 1e3:.1f} ms; "
          f"one epoch of fit: {epoch:.1f} s; overhead {check / epoch * 100:.2f}%")


if __name__ == "__main__":
    main()
