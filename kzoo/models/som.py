"""Self-organizing map (Kohonen map): competitive, topology-preserving learning.

Guide: neural-networks-master, Types of Neural Networks > Self-Organizing Maps
(SOM): "unsupervised learning for dimensionality reduction and visualization;
competitive learning; topology-preserving mapping; 2D visualization of
high-dimensional data".

A grid of ``rows x cols`` units each holds a weight vector (its "codebook"
vector) in input space. For every input the best-matching unit (BMU, the
nearest weight vector) wins, and it and its grid neighbours move towards the
input (Kohonen's rule, not gradient descent):

    w_j <- w_j + lr(t) · mean_i[ h(bmu_i, j, t) · (x_i - w_j) ]
    h(b, j, t) = exp(-||r_b - r_j||² / (2 σ(t)²))       # Gaussian on the grid

``lr(t)`` and ``σ(t)`` decay geometrically from their initial values (step 0)
to their final values (the last of ``decay_steps`` steps), then stay there. With
``batch_size=1`` this is the classic online SOM; larger batches average the
same update over the batch.

``model.fit(x, epochs=...)`` runs that rule on TensorFlow, JAX and PyTorch
(the per-backend step lives in ``kzoo.backend.som``); ``predict`` returns the
Euclidean distance from each input to every unit, so ``.keras`` files, clones
and the originals give identical outputs.
"""

import math

import keras
import numpy as np
from keras import ops

from kzoo import checks
from kzoo.backend import som as som_backend
from kzoo.backend.portable_compile import PortableCompile
from kzoo.data import examples
from kzoo.registry import Example, register_model
from kzoo.search_space import Float, Int, SearchSpace
from kzoo.serialization import Config
from kzoo.tasks.data_checks import CheckedInputs


@keras.saving.register_keras_serializable(package="kzoo")
class SelfOrganizingMap(CheckedInputs, PortableCompile, Config, keras.Model):
    """A Kohonen self-organizing map on a rectangular ``rows x cols`` grid.

    Built by :func:`kzoo.self_organizing_map`, which documents the arguments.

    Methods:
        fit(x, epochs=...): Kohonen training (``y`` is not used).
        predict(x): distances ``(n, rows * cols)`` from each input to every unit.
        evaluate(x): ``{"quantization_error": ...}``.
        winner(x): grid coordinates ``(n, 2)`` of each input's best-matching unit.
        quantization_error(x): mean distance from inputs to their BMU.
        topographic_error(x): fraction of inputs whose two nearest units are
            not grid neighbours.
        u_matrix(): mean distance of each unit to its grid neighbours,
            ``(rows, cols)``; high values mark cluster borders.
        unit_weights(): the codebook as ``(rows, cols, input_dim)``.
    """

    CONFIG_ARGS = ("input_shape", "grid_shape", "learning_rate", "final_learning_rate", "sigma",
                   "final_sigma", "decay_steps", "seed")
    TUPLE_ARGS = ("input_shape", "grid_shape")
    CONFIG_ATTRIBUTES = {"input_shape": "image_shape", "learning_rate": "initial_learning_rate"}

    def __init__(self, input_shape, grid_shape=(10, 10), learning_rate=0.5,
                 final_learning_rate=0.01, sigma=None, final_sigma=0.5, decay_steps=None,
                 seed=None, **kwargs):
        kwargs.setdefault("name", "self_organizing_map")
        super().__init__(**kwargs)
        input_shape = checks.shape("input_shape", input_shape)
        grid_shape = checks.shape("grid_shape", grid_shape, rank=2)
        checks.positive("learning_rate", learning_rate)
        checks.positive("final_learning_rate", final_learning_rate)
        if final_learning_rate > learning_rate:
            raise ValueError(f"final_learning_rate must be <= learning_rate={learning_rate}. "
                             f"Received: final_learning_rate={final_learning_rate}")
        initial_sigma = max(grid_shape) / 2.0 if sigma is None else sigma
        checks.positive("sigma", initial_sigma)
        checks.positive("final_sigma", final_sigma)
        if final_sigma > initial_sigma:
            raise ValueError(f"final_sigma must be <= sigma={initial_sigma}. "
                             f"Received: final_sigma={final_sigma}")
        if decay_steps is not None:
            checks.positive_int("decay_steps", decay_steps)
        self.image_shape = input_shape
        self.input_dim = math.prod(input_shape)
        self.grid_shape = grid_shape
        self.num_units = grid_shape[0] * grid_shape[1]
        self.initial_learning_rate = float(learning_rate)
        self.final_learning_rate = float(final_learning_rate)
        self.sigma = sigma
        self.initial_sigma = float(initial_sigma)
        self.final_sigma = float(final_sigma)
        self.decay_steps = decay_steps
        self.seed = checks.seed("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(seed)
        rows, cols = np.meshgrid(np.arange(grid_shape[0]), np.arange(grid_shape[1]),
                                 indexing="ij")
        self._coords = np.stack([rows.ravel(), cols.ravel()], axis=1).astype("float32")
        self.codebook = self.add_weight(
            name="codebook", shape=(self.num_units, self.input_dim), trainable=False,
            initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed))
        self.step_counter = self.add_weight(name="step", shape=(), initializer="zeros",
                                            trainable=False)
        self.total_steps = self.add_weight(
            name="decay_steps", shape=(), trainable=False,
            initializer=keras.initializers.Constant(float(decay_steps or 0)))
        self.quantization_tracker = keras.metrics.Mean(name="quantization_error")
        self.built = True

    # ---- the Kohonen rule, written once with keras.ops -------------------------------

    def _flatten(self, x):
        return ops.reshape(ops.cast(x, self.codebook.dtype), (-1, self.input_dim))

    def _squared_distances(self, x):
        w = ops.convert_to_tensor(self.codebook)
        d2 = (ops.sum(ops.square(x), axis=1, keepdims=True) - 2.0 * ops.matmul(x, ops.transpose(w))
              + ops.expand_dims(ops.sum(ops.square(w), axis=1), 0))
        return ops.maximum(d2, 0.0)

    def schedule(self, step):
        """``(learning_rate, sigma)`` at training step ``step`` (a tensor or number)."""
        # step 0 uses the initial values, step decay_steps - 1 the final ones
        span = ops.maximum(ops.convert_to_tensor(self.total_steps) - 1.0, 1.0)
        frac = ops.minimum(ops.cast(step, "float32") / span, 1.0)
        lr = self.initial_learning_rate * ops.power(
            self.final_learning_rate / self.initial_learning_rate, frac)
        sigma = self.initial_sigma * ops.power(self.final_sigma / self.initial_sigma, frac)
        return lr, sigma

    def som_update(self, x):
        """One Kohonen step on a batch: moves the BMUs and their neighbours; returns logs."""
        x = self._flatten(x)
        w = ops.convert_to_tensor(self.codebook)
        d2 = self._squared_distances(x)
        bmu = ops.argmin(d2, axis=1)
        lr, sigma = self.schedule(ops.convert_to_tensor(self.step_counter))
        coords = ops.convert_to_tensor(self._coords)
        grid_d2 = ops.sum(ops.square(ops.expand_dims(ops.take(coords, bmu, axis=0), 1)
                                     - ops.expand_dims(coords, 0)), axis=-1)
        h = ops.exp(-grid_d2 / (2.0 * ops.square(sigma)))            # (batch, units)
        batch = ops.cast(ops.shape(x)[0], w.dtype)
        pull = ops.matmul(ops.transpose(h), x) - ops.expand_dims(ops.sum(h, axis=0), 1) * w
        self.codebook.assign(w + lr * pull / batch)
        self.step_counter.assign(self.step_counter + 1.0)
        self.quantization_tracker.update_state(ops.sqrt(ops.min(d2, axis=1)))
        return {"quantization_error": self.quantization_tracker.result(),
                "learning_rate": lr, "sigma": sigma}

    def som_evaluate(self, x):
        """Updates the quantization-error metric on a batch; returns logs."""
        d2 = self._squared_distances(self._flatten(x))
        self.quantization_tracker.update_state(ops.sqrt(ops.min(d2, axis=1)))
        return {"quantization_error": self.quantization_tracker.result()}

    def train_step(self, *args):
        return som_backend.train_step(self, *args)

    def test_step(self, *args):
        return som_backend.test_step(self, *args)

    @property
    def metrics(self):
        return [self.quantization_tracker]

    def call(self, inputs):
        return ops.sqrt(self._squared_distances(self._flatten(inputs)))

    @property
    def output_shape(self):
        return (None, self.num_units)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_units)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, **kwargs):
        """Kohonen training; see ``keras.Model.fit``.

        Without ``decay_steps``, the first call sets the decay horizon to this
        call's number of steps (``epochs x steps per epoch``), so learning
        rate and radius reach their final values at the end of training. Later
        calls continue at the final values.
        """
        if float(ops.convert_to_numpy(self.total_steps)) == 0.0:
            steps = kwargs.get("steps_per_epoch")
            if steps is None:
                if not hasattr(x, "__len__") or isinstance(x, dict):
                    raise ValueError(
                        "self_organizing_map needs decay_steps (or steps_per_epoch) when "
                        f"x has no length. Received: x of type {type(x).__name__}")
                n = len(x) * (1.0 - kwargs.get("validation_split", 0.0))
                steps = math.ceil(n / (batch_size or 32))
            self.total_steps.assign(float(max(1, epochs * steps)))
        return super().fit(x, y, batch_size=batch_size, epochs=epochs, **kwargs)

    # ---- analysis (NumPy results) -----------------------------------------------------

    @property
    def current_learning_rate(self):
        """The learning rate the next training step will use."""
        return float(ops.convert_to_numpy(self.schedule(self.step_counter)[0]))

    @property
    def current_sigma(self):
        """The neighbourhood radius the next training step will use."""
        return float(ops.convert_to_numpy(self.schedule(self.step_counter)[1]))

    def initialize(self, x):
        """Sets every unit to a distinct random sample of ``x`` (sample initialisation).

        Args:
            x: array ``(n, *input_shape)`` of training data.
        """
        x = np.asarray(x, dtype="float32").reshape(-1, self.input_dim)
        seed = ops.convert_to_numpy(keras.random.randint((), 0, 2**31 - 1,
                                                         seed=self.seed_generator))
        rng = np.random.default_rng(int(seed))
        idx = rng.choice(len(x), size=self.num_units, replace=len(x) < self.num_units)
        self.codebook.assign(x[idx])

    def _distances(self, x):
        x = np.asarray(x, dtype="float32")
        if x.ndim < 2 or int(np.prod(x.shape[1:])) != self.input_dim:
            raise ValueError(f"x must have samples of shape {self.image_shape} "
                             f"({self.input_dim} features) like the map. Received: x with "
                             f"shape {x.shape}")
        return np.asarray(self.predict(x, verbose=0, batch_size=256))

    def winner(self, x, flat=False):
        """The best-matching unit of each input.

        Args:
            x: array ``(n, *input_shape)``.
            flat: bool. Return unit indices ``(n,)`` (``row * cols + col``)
                instead of ``(row, col)`` pairs. Defaults to False.

        Returns:
            An int array ``(n, 2)`` of grid coordinates, or ``(n,)`` with ``flat``.
        """
        index = np.argmin(self._distances(x), axis=1)
        if flat:
            return index
        return np.stack(np.unravel_index(index, self.grid_shape), axis=1)

    def quantization_error(self, x):
        """Mean Euclidean distance from each input to its best-matching unit."""
        return float(np.mean(np.min(self._distances(x), axis=1)))

    def topographic_error(self, x):
        """Fraction of inputs whose nearest and second-nearest units are not
        neighbours on the grid (the 8 surrounding units count as neighbours)."""
        order = np.argsort(self._distances(x), axis=1)[:, :2]
        first, second = self._coords[order[:, 0]], self._coords[order[:, 1]]
        return float(np.mean(np.max(np.abs(first - second), axis=1) > 1))

    def unit_weights(self):
        """The codebook vectors as ``(rows, cols, input_dim)``."""
        return ops.convert_to_numpy(self.codebook).reshape(*self.grid_shape, self.input_dim)

    def u_matrix(self):
        """The unified distance matrix ``(rows, cols)``.

        Each entry is the mean Euclidean distance from a unit's weights to those
        of its (up to 8) grid neighbours: low inside clusters, high on borders.
        Plot it with ``plt.imshow(som.u_matrix())``.
        """
        w = self.unit_weights()
        rows, cols = self.grid_shape
        out = np.zeros((rows, cols), dtype="float32")
        for r in range(rows):
            for c in range(cols):
                dists = [np.linalg.norm(w[r, c] - w[rr, cc])
                         for rr in range(max(r - 1, 0), min(r + 2, rows))
                         for cc in range(max(c - 1, 0), min(c + 2, cols))
                         if (rr, cc) != (r, c)]
                out[r, c] = np.mean(dists) if dists else 0.0
        return out

_SOM_SPACE = SearchSpace(
    (Int("grid_size", 4, 20), Float("learning_rate", 0.05, 1.0, sampling="log"),
     Float("final_sigma", 0.3, 2.0)),
    to_kwargs=lambda v: {"grid_shape": (v.pop("grid_size"),) * 2, **v}
    if "grid_size" in v else v,
    defaults_from=lambda d: {"grid_size": max(d.get("grid_shape") or (10, 10))},
)


@register_model(
    family="som",
    task="clustering",
    guide="neural-networks-master: Types of Neural Networks > Self-Organizing Maps (SOM)",
    search_space=_SOM_SPACE,
    example=Example({"input_shape": (4,), "grid_shape": (3, 4)},
                    examples.unlabelled(examples.blobs, n=64, features=4, spread=0.5),
                     {"batch_size": 16}),
)
def self_organizing_map(*, input_shape, grid_shape=(10, 10), learning_rate=0.5,
                        final_learning_rate=0.01, sigma=None, final_sigma=0.5,
                        decay_steps=None, x_init=None, seed=None, compile=True):
    """A Kohonen self-organizing map trained with ``model.fit(x, epochs=...)``.

    The map learns without labels and without gradient descent: each step the
    winning unit and its Gaussian grid neighbourhood move towards the inputs,
    with learning rate and radius decaying over training. Scale the inputs
    first (e.g. ``kzoo.data.standardize`` or pixels / 16).

    Args:
        input_shape: tuple. Shape of one sample, e.g. ``(64,)``; higher ranks
            are flattened.
        grid_shape: tuple of 2 ints. Rows and columns of the map; use
            ``(1, n)`` for a 1-D map. Defaults to ``(10, 10)`` (kzoo choice; a
            common size for visualisation, the guide's "2D visualization").
        learning_rate: float. Initial Kohonen learning rate. Defaults to 0.5
            (Kohonen 2001; guide gives none).
        final_learning_rate: float. Learning rate reached after ``decay_steps``.
            Defaults to 0.01.
        sigma: float. Initial Gaussian neighbourhood radius in grid units;
            ``None`` uses half the larger grid side. Defaults to None.
        final_sigma: float. Radius reached after ``decay_steps`` (about the
            nearest neighbours only). Defaults to 0.5.
        decay_steps: int. Steps over which both decay geometrically; ``None``
            uses the number of steps of the first ``fit`` call. Defaults to None.
        x_init: array. Optional training data: units start at distinct random
            samples of it instead of small random weights. Defaults to None.
        seed: int. Seed for the initial weights and ``x_init`` sampling.
            Defaults to None.
        compile: bool. Compile (no loss, no optimizer: the SOM rule is its
            own) so ``fit`` / ``evaluate`` can run. Defaults to True.

    Returns:
        A ``SelfOrganizingMap`` (a ``keras.Model``) named
        ``"self_organizing_map"``; ``predict`` returns distances to every unit.

    Example:
        >>> x, y = kzoo.data.load_digits()
        >>> som = kzoo.self_organizing_map(input_shape=(64,), grid_shape=(10, 10))
        >>> som.fit(x / 16.0, epochs=10, batch_size=16)
        >>> som.winner(x[:5] / 16.0)              # (5, 2) grid coordinates
        >>> som.quantization_error(x / 16.0), som.topographic_error(x / 16.0)
        >>> plt.imshow(som.u_matrix(), cmap="bone_r")

    Reference:
        Kohonen, T. (1982), "Self-organized formation of topologically correct
        feature maps"; Kohonen (2001), "Self-Organizing Maps", 3rd ed.
    """
    checks.boolean("compile", compile)
    model = SelfOrganizingMap(input_shape, grid_shape=grid_shape, learning_rate=learning_rate,
                              final_learning_rate=final_learning_rate, sigma=sigma,
                              final_sigma=final_sigma, decay_steps=decay_steps, seed=seed,
                              name="self_organizing_map")
    if x_init is not None:
        model.initialize(x_init)
    if checks.boolean("compile", compile):
        model.compile()
    return model
