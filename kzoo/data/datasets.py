"""MNIST, Fashion-MNIST, CIFAR-10 and IMDB through ``keras.datasets``.

The first call downloads the data into ``~/.keras/datasets`` (or
``$KERAS_HOME/datasets``); later calls read the cached file. Without internet
and without a cached copy the loaders raise a ``DatasetUnavailableError`` that
says where to put the file. Images come back float32 scaled to [0, 1] with a
channel axis (``(n, 28, 28, 1)``, ``(n, 32, 32, 3)``) or flattened, labels as
int32 vectors; IMDB reviews come back as padded int32 token-id sequences.
Every loader returns ``(x_train, y_train), (x_test, y_test)`` like Keras.
"""

import numpy as np

from kzoo import checks

_FILES = {
    "mnist": ("mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"),
    "fashion_mnist": ("fashion-mnist/*.gz", "https://storage.googleapis.com/tensorflow/"
                      "tf-keras-datasets/"),
    "cifar10": ("cifar-10-batches-py.tar.gz", "https://www.cs.toronto.edu/~kriz/"
                "cifar-10-python.tar.gz"),
    "imdb": ("imdb.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"),
}


class DatasetUnavailableError(RuntimeError):
    """A dataset could not be downloaded and is not in the Keras cache."""


def _fetch(name, load_data, **kwargs):
    try:
        return load_data(**kwargs)
    except Exception as e:  # keras raises a bare Exception on URL failures
        from keras.src.backend import config

        cached, origin = _FILES[name]
        raise DatasetUnavailableError(
            f"Could not load the {name} dataset: {e}. It is downloaded on first use from "
            f"{origin}; this machine seems to be offline (or the download was blocked) and "
            f"no cached copy exists. Fix: connect to the internet once, or copy the file "
            f"({cached}) into {config.keras_home()}/datasets/ (set KERAS_HOME to use another "
            f"folder), or use the bundled offline datasets kzoo.data.load_digits() / "
            f"load_breast_cancer()."
        ) from e


def _images(x, *, flatten, channels):
    x = np.asarray(x, dtype="float32") / 255.0
    if x.ndim == 3 and channels == 1:
        x = x[..., None]
    if flatten:
        x = x.reshape(len(x), -1)
    return x


def _labels(y):
    return np.asarray(y).reshape(-1).astype("int32")


def _image_dataset(name, load_data, flatten):
    (x_train, y_train), (x_test, y_test) = _fetch(name, load_data)
    channels = 3 if name == "cifar10" else 1
    return ((_images(x_train, flatten=flatten, channels=channels), _labels(y_train)),
            (_images(x_test, flatten=flatten, channels=channels), _labels(y_test)))


def load_mnist(*, flatten=False):
    """The 70,000 28x28 handwritten digits (60,000 train / 10,000 test, 10 classes).

    Args:
        flatten: bool. Return ``(n, 784)`` vectors instead of ``(n, 28, 28, 1)``
            images. Defaults to False.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float32 pixels in [0, 1] and
        int32 labels 0..9.

    Raises:
        DatasetUnavailableError: offline with no cached copy.

    Example:
        >>> (x, y), (x_test, y_test) = kzoo.data.load_mnist()
    """
    import keras

    return _image_dataset("mnist", keras.datasets.mnist.load_data, flatten)


def load_fashion_mnist(*, flatten=False):
    """Zalando's 28x28 clothing images (60,000 / 10,000, 10 classes).

    Args:
        flatten: bool. Return ``(n, 784)`` vectors instead of images.
            Defaults to False.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float32 in [0, 1], int32 labels.

    Raises:
        DatasetUnavailableError: offline with no cached copy.

    Example:
        >>> (x, y), (x_test, y_test) = kzoo.data.load_fashion_mnist()
    """
    import keras

    return _image_dataset("fashion_mnist", keras.datasets.fashion_mnist.load_data, flatten)


def load_cifar10(*, flatten=False):
    """The 32x32 colour images of CIFAR-10 (50,000 / 10,000, 10 classes).

    Args:
        flatten: bool. Return ``(n, 3072)`` vectors instead of ``(n, 32, 32, 3)``.
            Defaults to False.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float32 in [0, 1], int32 labels.

    Raises:
        DatasetUnavailableError: offline with no cached copy.

    Example:
        >>> (x, y), (x_test, y_test) = kzoo.data.load_cifar10()
    """
    import keras

    return _image_dataset("cifar10", keras.datasets.cifar10.load_data, flatten)


def load_imdb(*, num_words=20_000, maxlen=200, padding="pre", truncating="pre"):
    """IMDB movie reviews as token ids, labelled positive (1) or negative (0).

    Args:
        num_words: int. Keep the most frequent words; rarer ones become the
            out-of-vocabulary id 2. Defaults to 20,000 (the ``vocab_size`` of
            the sequence classifiers).
        maxlen: int. Pad or cut every review to this many tokens. Defaults to 200.
        padding: str. ``"pre"`` or ``"post"``: where zeros are added.
            Defaults to ``"pre"``.
        truncating: str. ``"pre"`` or ``"post"``: which end long reviews lose.
            Defaults to ``"pre"``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: int32 ``(n, maxlen)`` ids
        (0 = padding, 1 = start, 2 = out of vocabulary) and int32 labels.

    Raises:
        DatasetUnavailableError: offline with no cached copy.

    Example:
        >>> (x, y), (x_test, y_test) = kzoo.data.load_imdb(num_words=20_000)
    """
    import keras

    checks.positive_int("num_words", num_words, minimum=3)
    checks.positive_int("maxlen", maxlen)
    checks.one_of("padding", padding, ("pre", "post"))
    checks.one_of("truncating", truncating, ("pre", "post"))
    (x_train, y_train), (x_test, y_test) = _fetch("imdb", keras.datasets.imdb.load_data,
                                                  num_words=num_words)

    def pad(x):
        return keras.utils.pad_sequences(list(x), maxlen=maxlen, dtype="int32",
                                         padding=padding, truncating=truncating, value=0)

    return (pad(x_train), _labels(y_train)), (pad(x_test), _labels(y_test))
