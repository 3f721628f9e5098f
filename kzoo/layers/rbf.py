"""``RBF``: a layer of Gaussian radial basis function units.

Guide: neural-networks-master, Types of Neural Networks > Radial Basis
Function Networks (RBFN): "hidden layer with RBF neurons, linear output
layer", with

    φ_j(x) = exp(-||x - c_j||² / (2 σ_j²))

Each unit has a center ``c_j`` and a width ``σ_j``. Centers are best placed
on the data: :meth:`RBF.adapt` runs k-means on training inputs (scikit-learn,
imported there) and sets each width from its cluster's spread. Without
``adapt`` the centers start random (``centers_initializer``), which only
suits standardized inputs.
"""

import keras
import numpy as np
from keras import ops

from kzoo import checks
from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class RBF(Config, keras.layers.Layer):
    """Gaussian RBF units: ``(batch, features) -> (batch, units)``.

    Args:
        units: int. Number of RBF units (centers), >= 1.
        initial_width: float. Starting σ of every unit (before ``adapt``).
            Defaults to 1.0 (suits standardized inputs).
        trainable_centers: bool. Let gradient descent move the centers.
            Defaults to True.
        trainable_widths: bool. Let gradient descent change the widths;
            False keeps them fixed (classic two-stage RBF training).
            Defaults to True.
        centers_initializer: Initializer for the centers before ``adapt``;
            ``None`` draws them from N(0, 1), which suits standardized inputs
            only (call ``adapt`` for real data). Defaults to None.
        seed: int. Seed for k-means in ``adapt``. Defaults to None.
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Widths are stored as ``log σ`` so they stay positive while trained.

    Example:
        >>> rbf = kzoo.layers.RBF(32)
        >>> rbf.build((None, 2))
        >>> rbf.adapt(x_train)          # k-means centers, widths from cluster spread
        >>> phi = rbf(x_train)          # (n, 32), values in (0, 1]
    """

    CONFIG_ARGS = ("units", "initial_width", "trainable_centers", "trainable_widths",
                   "centers_initializer", "seed")

    def __init__(self, units, initial_width=1.0, trainable_centers=True, trainable_widths=True,
                 centers_initializer=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = checks.positive_int("units", units)
        self.initial_width = checks.positive("initial_width", initial_width)
        self.trainable_centers = checks.boolean("trainable_centers", trainable_centers)
        self.trainable_widths = checks.boolean("trainable_widths", trainable_widths)
        self.centers_initializer = centers_initializer
        self.seed = checks.seed("seed", seed)

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError("RBF expects (batch, features) inputs with known features. "
                             f"Received: input_shape={tuple(input_shape)}")
        self.centers = self.add_weight(name="centers", shape=(self.units, input_shape[-1]),
                                       initializer=self._centers_init(),
                                       trainable=self.trainable_centers)
        self.log_widths = self.add_weight(
            name="log_widths", shape=(self.units,),
            initializer=keras.initializers.Constant(float(np.log(self.initial_width))),
            trainable=self.trainable_widths)

    def _centers_init(self):
        if self.centers_initializer is None:
            return keras.initializers.RandomNormal(stddev=1.0, seed=self.seed)
        return keras.initializers.get(self.centers_initializer)

    @property
    def widths(self):
        """The current σ of every unit, as a NumPy array ``(units,)``."""
        return np.exp(ops.convert_to_numpy(self.log_widths))

    def adapt(self, x):
        """Places the centers by k-means on ``x`` and sets widths from cluster spread.

        Each width is the root-mean-square distance of a cluster's points to its
        center (so a typical member has φ ≈ exp(-1/2)); a cluster of one point
        gets half the distance to its nearest other center.

        Args:
            x: array ``(n, features)`` of TRAINING inputs, ``n >= units``.

        Returns:
            The fitted ``sklearn.cluster.KMeans``.
        """
        from sklearn.cluster import KMeans

        x = np.asarray(x, dtype="float64").reshape(len(x), -1)
        if len(x) < self.units:
            raise ValueError(f"adapt needs at least units={self.units} samples. "
                             f"Received: x with {len(x)} samples")
        if not self.built:
            self.build((None, x.shape[1]))
        elif x.shape[1] != self.centers.shape[1]:
            raise ValueError(f"x_init must have {self.centers.shape[1]} features per sample "
                             "like the model's input. Received: x_init with shape "
                             f"{np.shape(x)}")
        if not np.isfinite(x).all():
            raise ValueError("x_init must be finite. Received: x_init with NaN/inf values")
        kmeans = KMeans(n_clusters=self.units, n_init=3, random_state=self.seed).fit(x)
        centers = kmeans.cluster_centers_
        widths = np.zeros(self.units)
        between = np.linalg.norm(centers[:, None] - centers[None], axis=-1)
        np.fill_diagonal(between, np.inf)
        for j in range(self.units):
            members = x[kmeans.labels_ == j]
            spread = np.sqrt(np.mean(np.sum((members - centers[j]) ** 2, axis=1)))
            if len(members) < 2 or spread <= 0:
                spread = 0.5 * between[j].min() if self.units > 1 else 1.0
            widths[j] = max(spread, 1e-3)
        self.centers.assign(centers.astype("float32"))
        self.log_widths.assign(np.log(widths).astype("float32"))
        return kmeans

    def call(self, inputs):
        x = ops.cast(inputs, self.centers.dtype)
        c = ops.convert_to_tensor(self.centers)
        d2 = (ops.sum(ops.square(x), axis=1, keepdims=True) - 2.0 * ops.matmul(x, ops.transpose(c))
              + ops.expand_dims(ops.sum(ops.square(c), axis=1), 0))
        d2 = ops.maximum(d2, 0.0)
        inv_two_var = 0.5 * ops.exp(-2.0 * ops.convert_to_tensor(self.log_widths))
        return ops.exp(-d2 * ops.expand_dims(inv_two_var, 0))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)
