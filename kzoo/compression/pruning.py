"""Magnitude pruning during ``fit``: a sparsity schedule, masks at batch end, a report.

Guide: neural-networks-master, "Advanced Topics > Pruning and Compression >
Weight Pruning: Remove unimportant weights; Neuron Pruning: Remove entire
neurons". Importance is magnitude: the smallest ``|w|`` (weights) or the
smallest L2 norm of a unit's incoming weights (units / filters) go first.
Sparsity rises from ``initial_sparsity`` to ``target_sparsity`` along the
polynomial schedule of Zhu & Gupta (2017)::

    s_t = s_f + (s_i - s_f) * (1 - (t - t_0) / (t_1 - t_0)) ** power

(``power=3``; ``schedule="linear"`` is ``power=1``) while the network
trains, so the remaining weights learn to make up for the removed ones.

Written by hand: TensorFlow Model Optimization's pruning works with
``tf.keras`` only, and no Keras 3 library prunes on all three backends. The
masks are computed and applied with ``keras.ops`` (and ``Variable.assign``) in
a callback, so the model itself stays a plain Keras model (no wrapper layers
to strip). After training, :func:`shrink` (in ``kzoo.compression.shrink``)
removes pruned units to build a physically smaller model.
"""

import keras
import numpy as np
from keras import ops

from kzoo import checks

GRANULARITIES = ("weights", "units")
SCHEDULES = ("polynomial", "linear")
PRUNABLE = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)


def _kernel(layer):
    return layer.kernel


def prunable_layers(model, layers=None, *, include_output=False):
    """The Dense / Conv layers of ``model`` (nested models included) to prune.

    Args:
        model: keras.Model.
        layers: list of str or None. Names to prune; None means every Dense /
            Conv1D / Conv2D / Conv3D layer.
        include_output: bool. Also prune the layer(s) that produce the model's
            outputs. Defaults to False: they are small and hold the decision.

    Returns:
        A list of layers.
    """
    found = [layer for layer in model._flatten_layers(include_self=False)
             if isinstance(layer, PRUNABLE) and layer.built]
    if layers is not None:
        names = {layer.name for layer in found}
        for name in layers:
            if name not in names:
                raise ValueError(f"layers must name Dense/Conv layers of model '{model.name}' "
                                 f"({sorted(names)}). Received: layers={list(layers)!r}")
        return [layer for layer in found if layer.name in set(layers)]
    if not include_output:
        outputs = {id(t._keras_history.operation) for t in model.outputs}
        found = [layer for layer in found if id(layer) not in outputs]
    return found


def weight_mask(kernel, sparsity):
    """A 0/1 mask that zeroes the ``round(sparsity * size)`` smallest ``|w|`` of ``kernel``.

    Args:
        kernel: tensor.
        sparsity: float in [0, 1).

    Returns:
        A float tensor of ``kernel``'s shape.
    """
    flat = ops.reshape(ops.abs(kernel), (-1,))
    size = int(flat.shape[0])
    k = int(round(sparsity * size))
    if k == 0:
        return ops.ones_like(kernel)
    rank = ops.argsort(ops.argsort(flat))  # 0 for the smallest magnitude
    return ops.reshape(ops.cast(rank >= k, kernel.dtype), ops.shape(kernel))


def unit_mask(kernel, sparsity):
    """A 0/1 mask over the last axis (units / filters) zeroing the weakest units.

    Units are ranked by the L2 norm of their incoming weights.

    Args:
        kernel: tensor of shape ``(..., units)``.
        sparsity: float in [0, 1).

    Returns:
        A float tensor of shape ``(units,)``.
    """
    units = int(kernel.shape[-1])
    norms = ops.sqrt(ops.sum(ops.square(ops.reshape(kernel, (-1, units))), axis=0))
    k = min(int(round(sparsity * units)), units - 1)  # keep at least one unit
    if k == 0:
        return ops.ones((units,), dtype=kernel.dtype)
    rank = ops.argsort(ops.argsort(norms))
    return ops.cast(rank >= k, kernel.dtype)


def polynomial_sparsity(step, *, initial_sparsity, target_sparsity, begin_step, end_step,
                        power=3):
    """Zhu & Gupta (2017)'s sparsity at ``step`` (constant before/after the ramp)."""
    if step <= begin_step:
        return initial_sparsity
    if step >= end_step:
        return target_sparsity
    progress = (step - begin_step) / max(end_step - begin_step, 1)
    return target_sparsity + (initial_sparsity - target_sparsity) * (1.0 - progress) ** power


def _following_batch_norm(model, layer):
    """The BatchNormalization layer reading ``layer``'s output directly, if any."""
    for candidate in model._flatten_layers(include_self=False):
        if not isinstance(candidate, keras.layers.BatchNormalization):
            continue
        for node in candidate._inbound_nodes:
            for tensor in node.input_tensors:
                if tensor._keras_history.operation is layer:
                    return candidate
    return None


class MagnitudePruning(keras.callbacks.Callback):
    """Prunes the smallest weights (or units) while ``fit`` trains.

    Every ``frequency`` steps from ``begin_step`` to ``end_step`` the masks
    are recomputed for the scheduled sparsity; after every batch they are
    applied (``kernel.assign(kernel * mask)``), so pruned weights stay zero
    and the optimizer cannot bring them back. At the end of training the
    final masks are applied once more and :meth:`report` gives the sparsity
    per layer and in total.

    With ``granularity="units"`` whole output units of Dense layers (filters
    of Conv layers) are removed: their kernel column, bias and, when a
    BatchNormalization reads the layer directly, its gamma and beta, so the
    unit outputs exactly 0 and :func:`kzoo.compression.shrink` can delete it.

    Args:
        target_sparsity: float in [0, 1). Fraction of weights (or units) of
            each pruned layer set to zero at the end. Defaults to 0.8.
        granularity: str. ``"weights"`` or ``"units"``. Defaults to ``"weights"``.
        schedule: str. ``"polynomial"`` (power 3, Zhu & Gupta 2017) or
            ``"linear"``. Defaults to ``"polynomial"``.
        initial_sparsity: float in [0, 1). Sparsity at ``begin_step``. Defaults to 0.
        begin_step: int. Step where pruning starts. Defaults to 0.
        end_step: int or None. Step where the target is reached; defaults to
            80% of the training steps of the ``fit`` call (the rest fine-tunes
            at the target sparsity).
        frequency: int. Recompute the masks every this many steps. Defaults to 10.
        layers: list of str or None. Names of the layers to prune; defaults to
            every Dense / Conv layer but the output layer.
        include_output: bool. Also prune the output layer. Defaults to False.

    Example:
        >>> pruning = kzoo.compression.MagnitudePruning(target_sparsity=0.8)
        >>> model.fit(x, y, epochs=10, callbacks=[pruning])
        >>> pruning.report()["total"]
        0.8

    Reference:
        Zhu & Gupta (2017), "To prune, or not to prune"; Han et al. (2015),
        "Learning both Weights and Connections"; guide: neural-networks-master,
        Pruning and Compression.
    """

    def __init__(self, target_sparsity=0.8, *, granularity="weights", schedule="polynomial",
                 initial_sparsity=0.0, begin_step=0, end_step=None, frequency=10, layers=None,
                 include_output=False):
        super().__init__()
        self.target_sparsity = checks.fraction("target_sparsity", target_sparsity)
        self.initial_sparsity = checks.fraction("initial_sparsity", initial_sparsity)
        if self.initial_sparsity > self.target_sparsity:
            raise ValueError("initial_sparsity must be <= target_sparsity. Received: "
                             f"initial_sparsity={initial_sparsity!r}, "
                             f"target_sparsity={target_sparsity!r}")
        self.granularity = checks.one_of("granularity", granularity, GRANULARITIES)
        self.schedule = checks.one_of("schedule", schedule, SCHEDULES)
        self.begin_step = checks.positive_int("begin_step", begin_step, minimum=0)
        if end_step is not None:
            checks.positive_int("end_step", end_step, minimum=self.begin_step + 1)
        self.end_step = end_step
        self.frequency = checks.positive_int("frequency", frequency)
        self.layer_names = None if layers is None else list(layers)
        self.include_output = include_output
        self.step = 0
        self.masks = {}
        self.history = []  # (step, sparsity) at every mask update
        self._targets = []

    @property
    def power(self):
        return 3 if self.schedule == "polynomial" else 1

    def sparsity_at(self, step):
        """The scheduled sparsity at global ``step``."""
        return polynomial_sparsity(step, initial_sparsity=self.initial_sparsity,
                                   target_sparsity=self.target_sparsity,
                                   begin_step=self.begin_step, end_step=self._end_step,
                                   power=self.power)

    def on_train_begin(self, logs=None):
        model = self.model
        layers = prunable_layers(model, self.layer_names, include_output=self.include_output)
        if not layers:
            raise ValueError(f"model '{model.name}' has no Dense or Conv layer to prune.")
        self._targets = [(layer, _following_batch_norm(model, layer)
                          if self.granularity == "units" else None) for layer in layers]
        if self.end_step is None:
            epochs = self.params.get("epochs") or 1
            steps = self.params.get("steps") or 1
            self._end_step = max(self.begin_step + 1, int(0.8 * epochs * steps))
        else:
            self._end_step = self.end_step
        self._update_masks(self.sparsity_at(self.step))
        self._apply_masks()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step <= self._end_step + self.frequency and (
                self.step % self.frequency == 0 or self.step == self._end_step):
            self._update_masks(self.sparsity_at(self.step))
        self._apply_masks()

    def on_train_end(self, logs=None):
        self._update_masks(self.sparsity_at(self.step))
        self._apply_masks()

    def _update_masks(self, sparsity):
        _ = self.model  # on JAX, reading ``self.model`` syncs the training state to the variables
        self.history.append((self.step, float(sparsity)))
        for layer, _ in self._targets:
            kernel = _kernel(layer)
            if self.granularity == "weights":
                self.masks[layer.name] = weight_mask(kernel.value, sparsity)
            else:
                self.masks[layer.name] = unit_mask(kernel.value, sparsity)

    def _apply_masks(self):
        _ = self.model  # sync on JAX before writing the variables
        for layer, batch_norm in self._targets:
            mask = self.masks[layer.name]
            kernel = _kernel(layer)
            kernel.assign(ops.multiply(kernel.value, mask))
            if self.granularity == "units":
                if layer.use_bias:
                    layer.bias.assign(ops.multiply(layer.bias.value, mask))
                if batch_norm is not None:
                    for variable in (batch_norm.gamma, batch_norm.beta):
                        if variable is not None:
                            variable.assign(ops.multiply(variable.value, mask))

    def report(self):
        """Sparsity per pruned layer and in total, measured on the weights.

        Returns:
            ``{"layers": {name: fraction of zero kernel weights}, "units":
            {name: fraction of zero units} (units granularity), "total":
            fraction of zero weights over all pruned kernels}``.
        """
        return sparsity_report(self.model, [layer.name for layer, _ in self._targets])


def sparsity_report(model, layers=None):
    """Fraction of exactly-zero kernel weights per Dense / Conv layer and in total.

    Args:
        model: keras.Model.
        layers: list of str or None. Layer names; defaults to every Dense /
            Conv layer, the output layer included.

    Returns:
        ``{"layers": {name: float}, "units": {name: float}, "total": float}``;
        ``units`` is the fraction of units whose incoming weights are all zero.

    Example:
        >>> kzoo.compression.sparsity_report(model)["total"]
    """
    chosen = prunable_layers(model, layers, include_output=True)
    per_layer, per_unit, zeros, total = {}, {}, 0, 0
    for layer in chosen:
        kernel = ops.convert_to_numpy(_kernel(layer).value)
        z = int(np.sum(kernel == 0))
        per_layer[layer.name] = z / kernel.size
        columns = kernel.reshape(-1, kernel.shape[-1])
        per_unit[layer.name] = float(np.mean(np.all(columns == 0, axis=0)))
        zeros += z
        total += kernel.size
    return {"layers": per_layer, "units": per_unit, "total": zeros / max(total, 1)}
