"""Which devices a data-parallel strategy runs on, checked before anything is built.

``devices`` is ``None`` (every accelerator of the backend, else every CPU
device), an ``int`` (the first ``n`` of those) or a list of names such as
``["gpu:0", "gpu:1"]``. Names are compared case-insensitively in Keras'
``"type:index"`` form, so TensorFlow's ``"/device:GPU:0"`` and ``"/gpu:0"``
mean ``"gpu:0"`` too.
"""

import re

from kzoo import checks

_NAME = re.compile(r"(?:.*/)?(?:device:)?([a-z_]+):(\d+)$")


def canonical(name):
    """``"/job:localhost/replica:0/task:0/device:CPU:1"`` -> ``"cpu:1"``; None if not a name."""
    if not isinstance(name, str):
        return None
    match = _NAME.match(name.strip().lower())
    return f"{match.group(1)}:{int(match.group(2))}" if match else None


def available(backend):
    """The device names the backend's engine can use, accelerators first, as ``"type:i"``."""
    if backend == "jax":
        import keras

        return [canonical(d) or d for d in keras.distribution.list_devices()]
    if backend == "tensorflow":
        import tensorflow as tf

        for kind in ("TPU", "GPU", "CPU"):
            found = [canonical(d.name) for d in tf.config.list_logical_devices(kind)]
            if found:
                return found
        return []
    raise ValueError(f"kzoo.distribute lists devices on jax and tensorflow only. "
                     f"Received: backend={backend!r}")


def resolve(devices, names):
    """Checks ``devices`` against the available ``names``; returns the chosen names.

    Raises:
        ValueError: ``devices`` is 0 or negative, more than are available, an
            empty list, a duplicate, or a name that is not available.
    """
    if devices is None:
        return list(names)
    if isinstance(devices, bool) or not isinstance(devices, (int, list, tuple)):
        raise ValueError("devices must be None, a number of devices or a list of device "
                         f"names. Received: devices={devices!r}")
    if isinstance(devices, int):
        checks.positive_int("devices", devices)
        if devices > len(names):
            raise ValueError(f"devices must be <= {len(names)}, the number of devices "
                             f"available ({names}). Received: devices={devices}")
        return list(names[:devices])
    if not devices:
        raise ValueError("devices must name at least one device. Received: devices=[]")
    chosen = [canonical(d) for d in devices]
    unknown = [d for d, c in zip(devices, chosen) if c not in names]
    if unknown:
        raise ValueError(f"Unknown device name(s) {unknown}; available: {names}. "
                         f"Received: devices={list(devices)!r}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"devices lists a device twice. Received: devices={list(devices)!r}")
    return chosen
