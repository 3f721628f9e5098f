"""Compile settings that are right on the backend that loads a model, not the one that saved it.

Keras resolves ``jit_compile="auto"`` when a model is compiled (``True`` on JAX,
``False`` on PyTorch and on TensorFlow CPU) and stores the *resolved* value in
the ``.keras`` file. A model compiled on JAX and loaded on PyTorch would then
turn on ``torch.compile``: minutes for a first ``predict`` on a CPU. kzoo's
models mix in :class:`PortableCompile`, whose compile config stores
``jit_compile="auto"`` whenever the model's setting is what ``"auto"`` gives on
this backend, so each backend that loads it makes its own choice. A setting
that differs from ``"auto"`` (say ``jit_compile=False`` on JAX) is kept as it is.
"""


class PortableCompile:
    """Mixin for ``keras.Model`` subclasses: backend-specific compile choices stay home."""

    def get_compile_config(self):
        config = super().get_compile_config()
        if config is not None and config.get("jit_compile") == _auto_value(self):
            config = {**config, "jit_compile": "auto"}
        return config


def _auto_value(model):
    """What ``jit_compile="auto"`` resolves to for ``model`` on this backend (Keras' rule)."""
    resolve = getattr(model, "_resolve_auto_jit_compile", None)  # Keras 3.15 private API
    return resolve() if resolve is not None else None
