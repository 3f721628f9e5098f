"""Image classification with a CNN: bundled digits by default, Keras datasets online.

Follows the guide's Training Methodology with ``kzoo.cnn_classifier``
(conv -> batch norm -> ReLU -> pooling blocks, then a dense head):

1. Phase 1, data: the 8x8 digits bundled with scikit-learn (offline, the
   default), or MNIST / Fashion-MNIST / CIFAR-10 through ``keras.datasets``
   (downloaded on first use). Pixels are scaled to [0, 1]; 70 / 15 / 15 split.
2. Model: ``kzoo.cnn_classifier`` with the guide's defaults (Adam 1e-3,
   dropout 0.3, batch norm) or ``--model resnet`` for ``kzoo.resnet_classifier``.
3. Fit with early stopping (patience 15, best weights restored) and
   ReduceLROnPlateau, then evaluate once on the test split and save.

Run:  python recipes/image_classification.py                 (digits, ~1 min on CPU)
      python recipes/image_classification.py --dataset fashion_mnist --limit 10000
      KERAS_BACKEND=jax python recipes/image_classification.py --model resnet
"""

import argparse
import os
import time

import keras
import numpy as np

import kzoo
from kzoo import data, defaults

DATASETS = ("digits", "mnist", "fashion_mnist", "cifar10")


def load(name, limit=None, seed=defaults.SEED):
    """Returns ``(x, y)``: float32 images with a channel axis, int32 labels.

    The bundled digits stay raw (pixels 0..16: the model rescales them itself,
    so the saved model takes raw digits); the downloaded sets come in [0, 1].
    """
    if name == "digits":
        x, y = data.load_digits(as_images=True)
    else:
        # keras.datasets through kzoo.data: downloaded once, a clear error offline.
        (x_train, y_train), (x_test, y_test) = getattr(data, f"load_{name}")()
        x, y = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])
    if limit is not None and limit < len(x):
        keep = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y = x[keep], y[keep]
    return x.astype("float32"), y.astype("int32")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="digits", choices=DATASETS,
                        help="digits is bundled (offline); the others use keras.datasets")
    parser.add_argument("--model", default="cnn", choices=("cnn", "resnet"))
    parser.add_argument("--epochs", type=int, default=defaults.EPOCHS)
    parser.add_argument("--limit", type=int, default=None,
                        help="use at most this many images (quick runs on a CPU)")
    parser.add_argument("--output", default="runs/image_classification")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    start = time.perf_counter()

    x, y = load(args.dataset, args.limit, args.seed)
    splits = data.split(x, y, seed=args.seed)
    num_classes = int(y.max()) + 1
    print(f"{args.dataset}: {len(x)} images of shape {x.shape[1:]}, {num_classes} classes "
          f"-> {splits}")

    factory = kzoo.cnn_classifier if args.model == "cnn" else kzoo.resnet_classifier
    model = factory(num_classes=num_classes, input_shape=x.shape[1:])
    if args.dataset == "digits":  # pixels 0..16 -> [0, 1] inside the saved model
        model = data.scaling.with_preprocessing(
            model, keras.layers.Rescaling(1.0 / 16.0, name="rescale"))
    print(f"{model.name}: {model.count_params():,} parameters")

    callbacks = kzoo.callbacks.recommended()  # early stopping 15, ReduceLROnPlateau, NaN stop
    history = model.fit(splits.x_train, splits.y_train, validation_data=splits.val,
                        epochs=args.epochs, batch_size=defaults.BATCH_SIZE,
                        callbacks=callbacks, verbose=args.verbose)
    print(f"trained {len(history.history['loss'])} epochs")

    scores = model.evaluate(splits.x_test, splits.y_test, verbose=0, return_dict=True)
    pred = np.argmax(model.predict(splits.x_test, verbose=0), axis=-1)
    confused = np.bincount(splits.y_test[pred != splits.y_test], minlength=num_classes)
    print("misclassified test images per true class:", confused.tolist())
    print(f"test accuracy: {scores['accuracy']:.4f}")

    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, f"{model.name}.keras")
    model.save(path)
    print(f"saved {path} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return scores


if __name__ == "__main__":
    main()
