"""``RoutingCapsules``: a capsule layer with routing-by-agreement ("digit capsules").

Every input capsule ``i`` predicts every output capsule ``j`` through its own
matrix, ``û_j|i = W_ij u_i``. Dynamic routing then decides, per example, how
much of each prediction goes to each output (guide: Advanced Topics > Capsule
Networks, "Dynamic Routing: iterative process to determine how capsules
communicate"; Sabour et al. 2017, procedure 1):

    b_ij = 0
    repeat r times:
        c_i  = softmax_j(b_ij)              # coupling coefficients, sum_j c_ij = 1
        v_j  = squash(sum_i c_ij û_j|i)
        b_ij = b_ij + û_j|i · v_j            # agreement

The loop is unrolled with ``keras.ops`` and gradients flow through it.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.layers.capsule import check_capsule_dims, squash
from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class RoutingCapsules(Config, keras.layers.Layer):
    """Output capsules computed by dynamic routing from input capsules.

    Input ``(batch, in_capsules, in_dim)``; output
    ``(batch, num_capsules, capsule_dim)``, each vector squashed (length < 1).

    Args:
        num_capsules: int. Output capsules (one per class for digit capsules).
        capsule_dim: int. Length of each output vector. Defaults to 16 (paper).
        routings: int. Routing iterations (>= 1). Defaults to 3 (paper).
        kernel_initializer: Initializer for the transformation matrices
            ``W_ij``. Defaults to ``"glorot_uniform"``.
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Example:
        >>> caps = kzoo.layers.RoutingCapsules(10, 16, routings=3)
        >>> v, c = caps.route(caps.predictions(keras.ops.ones((2, 32, 8))))
        >>> v.shape, c.shape   # (2, 10, 16), (2, 32, 10); c sums to 1 over axis 2
    """

    CONFIG_ARGS = ("num_capsules", "capsule_dim", "routings", "kernel_initializer")

    def __init__(self, num_capsules, capsule_dim=16, routings=3,
                 kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        check_capsule_dims(num_capsules, capsule_dim)
        checks.positive_int("routings", routings)
        self.num_capsules = num_capsules
        self.capsule_dim = capsule_dim
        self.routings = routings
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError("RoutingCapsules expects (batch, in_capsules, in_dim) inputs "
                             f"with known sizes. Received: input_shape={tuple(input_shape)}")
        self.in_capsules, self.in_dim = int(input_shape[1]), int(input_shape[2])
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.in_capsules, self.num_capsules, self.capsule_dim, self.in_dim),
            initializer=self.kernel_initializer,
        )

    def predictions(self, inputs):
        """The votes ``û_j|i = W_ij u_i``: ``(batch, in_capsules, num_capsules, capsule_dim)``."""
        return ops.einsum("ijed,bid->bije", self.kernel, inputs)

    def route(self, u_hat):
        """Runs ``routings`` iterations of routing-by-agreement on the votes.

        Args:
            u_hat: tensor ``(batch, in_capsules, num_capsules, capsule_dim)``.

        Returns:
            ``(v, c)``: the output capsules ``(batch, num_capsules, capsule_dim)``
            and the final coupling coefficients ``(batch, in_capsules,
            num_capsules)``, which sum to 1 over the output capsules.
        """
        logits = ops.zeros_like(u_hat[..., 0])
        for r in range(self.routings):
            c = ops.softmax(logits, axis=2)
            v = squash(ops.sum(ops.expand_dims(c, -1) * u_hat, axis=1))
            if r < self.routings - 1:
                logits = logits + ops.sum(u_hat * ops.expand_dims(v, 1), axis=-1)
        return v, c

    def call(self, inputs):
        v, _ = self.route(self.predictions(inputs))
        return v

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_capsules, self.capsule_dim)
