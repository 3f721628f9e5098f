"""Compile settings that are right on the backend that loads a model, not the one that saved it.

Keras resolves ``jit_compile="auto"`` when a model is compiled (``True`` on JAX,
``False`` on PyTorch and on TensorFlow CPU) and stores the *resolved* value in
the ``.keras`` file. A model compiled on JAX and loaded on PyTorch would then
turn on ``torch.compile``: minutes for a first ``predict`` on a CPU. kzoo's
models mix in :class:`PortableCompile`, which records the backend that
compiled them and, on a different backend, restores the compile config with
``jit_compile="auto"`` (Keras' own default there). An explicit
``jit_compile`` choice survives a reload on the backend that made it.
"""

import keras

_BACKEND_KEY = "kzoo_backend"


class PortableCompile:
    """Mixin for ``keras.Model`` subclasses: backend-specific compile choices stay home."""

    def get_compile_config(self):
        config = super().get_compile_config()
        if config is not None:
            config = {**config, _BACKEND_KEY: keras.backend.backend()}
        return config

    def compile_from_config(self, config):
        config = portable(config)
        return super().compile_from_config(config)


def portable(config):
    """``config`` without the kzoo key, ``jit_compile`` reset when saved on another backend."""
    config = dict(config)
    saved_on = config.pop(_BACKEND_KEY, None)
    if saved_on != keras.backend.backend() and "jit_compile" in config:
        config["jit_compile"] = "auto"
    return config
