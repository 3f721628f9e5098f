"""Image augmentation in the input pipeline (guide: Regularization > Data Augmentation).

The guide lists rotation (-20° to +20°), zoom, horizontal flip, brightness and
contrast changes, and warns that the transforms must be realistic: ``kind``
picks them per kind of image (no flip for digits and text-like images). Keras ships these as layers, but ``RandomRotation`` and
``RandomZoom`` are not XLA-compilable: put inside a model they silently turn
``jit_compile`` off for the whole model. So kzoo applies them to the data
instead: :func:`augmented_dataset` wraps ``(x, y)`` into a
``keras.utils.PyDataset`` that augments each training batch (new random
transforms every epoch, reproducible with ``seed``) and the model keeps XLA.
"""

import math

import keras
import numpy as np

from kzoo import checks


#: Realistic transforms per kind of image. The guide: "Transformations must be
#: realistic! ... Vertical flip of a face: weird" (Data Augmentation). A mirrored
#: digit or letter is another symbol (or none), so symbols are never flipped.
KINDS = {
    # Photos of objects, animals, scenes: the guide's list, horizontal flip included.
    "natural": {"flip": "horizontal", "rotation": 20.0, "zoom": 0.1, "brightness": 0.2,
                "contrast": 0.2},
    # Digits, letters, text-like images: no flip, small rotations (a 6 turned 180° is a 9).
    "symbols": {"flip": None, "rotation": 10.0, "zoom": 0.1, "brightness": 0.2,
                "contrast": 0.2},
}
_UNSET = object()


def image_augmentation(*, kind="symbols", flip=_UNSET, rotation=None, zoom=None,
                       brightness=None, contrast=None, value_range=(0.0, 1.0), seed=None):
    """The guide's image augmentations as a ``keras.Sequential`` of Keras layers.

    The transforms must be realistic for the data (guide: "Transformations
    must be realistic! ... Vertical flip of a face: weird"): ``kind`` picks
    them, and each argument overrides its own.

    Args:
        kind: str. ``"symbols"`` (digits, letters, text-like images: no flip,
            rotation 10°, since a mirrored digit is not a digit) or
            ``"natural"`` (photos: horizontal flip and rotation 20°, the
            guide's list). Defaults to ``"symbols"``, which never creates an
            unrealistic image, and fits kzoo's bundled digits.
        flip: str or None. ``"horizontal"``, ``"vertical"``,
            ``"horizontal_and_vertical"`` or None (no flip). Defaults to the
            ``kind``'s: None for symbols, ``"horizontal"`` for natural images.
        rotation: float or None. Maximum rotation in degrees, both directions;
            0 turns it off. Defaults to the ``kind``'s (10 for symbols, 20 for
            natural images; guide: "Rotation (-20° to +20°)").
        zoom: float or None. Maximum zoom in or out as a fraction of the size;
            0 turns it off. Defaults to 0.1.
        brightness: float or None. Maximum brightness shift as a fraction of
            ``value_range``; 0 turns it off. Defaults to 0.2.
        contrast: float or None. Maximum contrast factor change; 0 turns it
            off. Defaults to 0.2.
        value_range: tuple. Range of the pixel values. Defaults to ``(0, 1)``
            (what ``kzoo.data.load_mnist`` & co. return).
        seed: int or None. Seed of the random transforms. Defaults to None.

    Returns:
        A ``keras.Sequential`` to call on image batches with ``training=True``.

    Example:
        >>> augment = kzoo.data.image_augmentation(kind="natural", seed=0)
        >>> batch = augment(images, training=True)

    Reference:
        Guide: Regularization > 4. Data Augmentation.
    """
    checks.one_of("kind", kind, tuple(KINDS))
    preset = KINDS[kind]
    flip = preset["flip"] if flip is _UNSET else flip
    rotation = preset["rotation"] if rotation is None else rotation
    zoom = preset["zoom"] if zoom is None else zoom
    brightness = preset["brightness"] if brightness is None else brightness
    contrast = preset["contrast"] if contrast is None else contrast
    if flip is not None:
        checks.one_of("flip", flip, ("horizontal", "vertical", "horizontal_and_vertical"))
    checks.number_in_range("rotation", rotation, 0.0, 180.0)
    checks.number_in_range("zoom", zoom, 0.0, 1.0, high_inclusive=False)
    checks.number_in_range("brightness", brightness, 0.0, 1.0)
    checks.number_in_range("contrast", contrast, 0.0, 1.0)
    if (not isinstance(value_range, (tuple, list)) or len(value_range) != 2
            or not value_range[0] < value_range[1]):
        raise ValueError("value_range must be a (low, high) pair with low < high. "
                         f"Received: value_range={value_range!r}")
    if seed is not None:
        checks.positive_int("seed", seed, minimum=0)
    value_range = tuple(float(v) for v in value_range)

    def layer_seed(offset):
        return None if seed is None else seed + offset

    layers = []
    if flip is not None:
        layers.append(keras.layers.RandomFlip(flip, seed=layer_seed(0), name="flip"))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation / 360.0, fill_mode="constant",
                                                  seed=layer_seed(1), name="rotation"))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant",
                                              seed=layer_seed(2), name="zoom"))
    if brightness:
        layers.append(keras.layers.RandomBrightness(brightness, value_range=value_range,
                                                    seed=layer_seed(3), name="brightness"))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, value_range=value_range,
                                                  seed=layer_seed(4), name="contrast"))
    return keras.Sequential(layers, name="image_augmentation")


class AugmentedDataset(keras.utils.PyDataset):
    """Batches of ``(augment(x), y)``, reshuffled each epoch (see ``augmented_dataset``)."""

    def __init__(self, x, y, *, augmentation, batch_size=32, shuffle=True, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.x = np.asarray(x)
        self.y = None if y is None else np.asarray(y)
        self.augmentation = augmentation
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(self.x)) if shuffle else np.arange(len(self.x))

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        batch = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        images = self.x[batch]
        if self.augmentation is not None:
            images = keras.ops.convert_to_numpy(self.augmentation(images, training=True))
            images = images.astype(self.x.dtype, copy=False)
        if self.y is None:
            return (images,)
        return images, self.y[batch]

    def on_epoch_end(self):
        if self.shuffle:
            self._order = self._rng.permutation(len(self.x))


def augmented_dataset(x, y=None, *, augmentation=None, kind="symbols", batch_size=32,
                      shuffle=True, seed=None):
    """Wraps images and labels into a dataset that augments every training batch.

    Pass the result to ``model.fit`` instead of ``x, y`` (no ``batch_size``
    there). The transforms run in the data pipeline, outside the model, so the
    model stays XLA-compiled; each epoch sees new random transforms, and the
    whole sequence is reproducible for a given ``seed``.

    Args:
        x: array-like. Images ``(n, height, width, channels)``, values in
            ``value_range`` of the augmentation.
        y: array-like or None. Labels, unchanged by augmentation.
            Defaults to None.
        augmentation: callable or None. A Keras layer/model called with
            ``training=True`` on each batch. Defaults to None, meaning
            ``kzoo.data.image_augmentation(kind=kind, seed=seed)``.
        kind: str. The kind of images for the default augmentation:
            ``"symbols"`` (digits, letters: never flipped) or ``"natural"``
            (photos: horizontal flips too). Defaults to ``"symbols"``.
        batch_size: int. Defaults to 32 (guide: Quick Start).
        shuffle: bool. Reshuffle the order every epoch. Defaults to True.
        seed: int or None. Seeds the order (and the default augmentation).
            Defaults to None.

    Returns:
        A ``keras.utils.PyDataset`` of ``(images, labels)`` batches.

    Example:
        >>> train = kzoo.data.augmented_dataset(x_train, y_train, seed=0)
        >>> model.fit(train, validation_data=(x_val, y_val), epochs=50)

    Reference:
        Guide: Regularization > 4. Data Augmentation ("Small dataset (<10k
        images)").
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError("x must be a batch of images with shape (n, height, width, "
                         f"channels). Received: x with shape {x.shape}")
    if y is not None and len(np.asarray(y)) != len(x):
        raise ValueError(f"x and y must have the same length. Received: len(x)={len(x)}, "
                         f"len(y)={len(np.asarray(y))}")
    checks.positive_int("batch_size", batch_size)
    if augmentation is None:
        augmentation = image_augmentation(kind=kind, seed=seed)
    elif not callable(augmentation):
        raise ValueError("augmentation must be a callable Keras layer or None. Received: "
                         f"augmentation={augmentation!r}")
    return AugmentedDataset(x, y, augmentation=augmentation, batch_size=batch_size,
                            shuffle=shuffle, seed=seed)
