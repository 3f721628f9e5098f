"""Forecasting a seasonal series with an LSTM or GRU, against the naive forecast.

1. Data: a noisy seasonal series (``kzoo.data.seasonal_series``: daily cycle
   of period 24 on a slow trend), cut into sliding windows of ``--lookback``
   steps in and ``--horizon`` steps out (``kzoo.data.make_windows``), split
   chronologically 70 / 15 / 15 (the future is never used to train).
2. Baseline first (guide: Phase 2): the naive forecast repeats the last
   observed value (``kzoo.data.naive_forecast``). A model is only useful if
   it beats it.
3. Model: ``kzoo.lstm_regressor`` or ``kzoo.gru_regressor`` with
   ``outputs=horizon``. Windows are made relative to their last value, so the
   network predicts the change ahead and the trend never takes it outside the
   range it was trained on.
4. Early stopping + ReduceLROnPlateau, then the test MSE of model vs naive.

Run:  python recipes/forecasting.py                      (about a minute on CPU)
      KERAS_BACKEND=jax python recipes/forecasting.py --cell lstm --horizon 12
"""

import argparse
import os
import time

import keras
import numpy as np

import kzoo
from kzoo import data, defaults


def chronological_split(x, y, fractions=defaults.SPLIT_FRACTIONS):
    """Train on the past, validate on what follows, test on the most recent windows."""
    n = len(x)
    a = int(fractions[0] * n)
    b = int((fractions[0] + fractions[1]) * n)
    return (x[:a], y[:a]), (x[a:b], y[a:b]), (x[b:], y[b:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cell", default="lstm", choices=("lstm", "gru", "rnn"))
    parser.add_argument("--steps", type=int, default=3000, help="length of the series")
    parser.add_argument("--period", type=int, default=24)
    parser.add_argument("--lookback", type=int, default=48)
    parser.add_argument("--horizon", type=int, default=6)
    parser.add_argument("--units", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=defaults.EPOCHS)
    parser.add_argument("--output", default="runs/forecasting")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()

    series = data.seasonal_series(args.steps, period=args.period, seed=args.seed)
    x, y = data.make_windows(series, args.lookback, args.horizon)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = chronological_split(x, y)
    print(f"series of {len(series)} steps -> {len(x)} windows "
          f"({args.lookback} in, {args.horizon} out): train {len(x_tr)}, "
          f"val {len(x_val)}, test {len(x_te)}")

    def relative(xs, ys):
        last = xs[:, -1:, 0]
        return xs - last[:, :, None], ys - last

    factory = getattr(kzoo, f"{args.cell}_regressor")
    model = factory(input_shape=(args.lookback, 1), outputs=args.horizon, units=args.units,
                    dropout=0.0)
    callbacks = kzoo.callbacks.recommended()  # early stopping 15, ReduceLROnPlateau, NaN stop
    history = model.fit(*relative(x_tr, y_tr), validation_data=relative(x_val, y_val),
                        epochs=args.epochs, batch_size=defaults.BATCH_SIZE,
                        callbacks=callbacks, verbose=args.verbose)
    print(f"trained {len(history.history['loss'])} epochs")

    # The saved model takes raw windows: the relative transform is inside it.
    raw = keras.Input(shape=(args.lookback, 1), name="windows")
    forecast = model(kzoo.layers.LastValueOffset("subtract", name="relative")(raw))
    deployed = keras.Model(raw, kzoo.layers.LastValueOffset("add", name="absolute")(
        [forecast, raw]), name=model.name)
    pred = deployed.predict(x_te, verbose=0)
    naive = data.naive_forecast(x_te, args.horizon)
    model_mse = float(np.mean((pred - y_te) ** 2))
    naive_mse = float(np.mean((naive - y_te) ** 2))
    per_step = np.mean((pred - y_te) ** 2, axis=0)
    print(f"{'step ahead':>10} " + " ".join(f"{h + 1:>7d}" for h in range(args.horizon)))
    print(f"{model.name:>10} " + " ".join(f"{v:7.4f}" for v in per_step))
    print(f"{'naive':>10} " + " ".join(f"{v:7.4f}" for v in np.mean((naive - y_te) ** 2, 0)))
    print(f"test MSE: {model.name} {model_mse:.4f} vs naive forecast {naive_mse:.4f} "
          f"({naive_mse / model_mse:.1f}x better)")

    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, f"{model.name}.keras")
    deployed.save(path)
    print(f"saved {path} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return {"model_mse": model_mse, "naive_mse": naive_mse, "path": path,
            "x_test": x_te, "predictions": pred}


if __name__ == "__main__":
    main()
