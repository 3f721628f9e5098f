"""kzoo's one config contract for its custom layers, models and losses.

Every kzoo class that Keras must save and reload mixes in :class:`Config` and
declares its constructor arguments instead of writing ``get_config`` /
``from_config`` by hand::

    @keras.saving.register_keras_serializable(package="kzoo")
    class RBF(Config, keras.layers.Layer):
        CONFIG_ARGS = ("units", "initial_width", ...)   # read from self.<name>
        TUPLE_ARGS = ()                                 # JSON lists -> tuples on load
        NESTED_ARGS = ()                                # wrapped Keras objects, rebuilt on load

``get_config`` is ``super().get_config()`` (name, trainable, dtype...) updated
with every declared argument; Keras objects among them (initializers,
regularizers) are serialized. ``from_config`` turns the ``TUPLE_ARGS`` back
into tuples (JSON has no tuples), rebuilds the ``NESTED_ARGS`` (a wrapped
model, such as the classifier of an adversarial trainer or a distiller's
teacher) and hands the rest to Keras' own ``from_config``. This is keras-hub's contract (``super().get_config()`` plus
an update, ``from_config`` inherited), written once.
"""

import keras


class Config:
    """Mixin: ``get_config`` / ``from_config`` from declared constructor arguments.

    Attributes:
        CONFIG_ARGS: tuple of str. ``__init__`` arguments returned by
            ``get_config``, each read from the attribute of the same name.
        CONFIG_ATTRIBUTES: dict. Argument -> attribute, for the arguments
            stored under another name (e.g. ``input_shape`` ->
            ``sample_shape``, since ``keras.Model.input_shape`` is taken).
        TUPLE_ARGS: tuple of str. Arguments restored as tuples by
            ``from_config``.
        NESTED_ARGS: tuple of str. Arguments holding a Keras object (a
            wrapped model): saved as its config without its compile state
            (the wrapper trains it with its own optimizer, whose state is the
            one the ``.keras`` file restores) and deserialized by
            ``from_config``.
    """

    CONFIG_ARGS = ()
    CONFIG_ATTRIBUTES = {}
    TUPLE_ARGS = ()
    NESTED_ARGS = ()

    def store_config(self, arguments):
        """Sets each ``CONFIG_ARGS`` entry of ``arguments`` (e.g. ``locals()``) as its attribute."""
        for arg in self.CONFIG_ARGS:
            setattr(self, self.CONFIG_ATTRIBUTES.get(arg, arg), arguments[arg])

    def get_config(self):
        config = super().get_config()
        for arg in self.CONFIG_ARGS:
            value = getattr(self, self.CONFIG_ATTRIBUTES.get(arg, arg))
            if hasattr(value, "get_config"):
                value = keras.saving.serialize_keras_object(value)
                if arg in self.NESTED_ARGS:
                    value.pop("compile_config", None)
            config[arg] = value
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = restore_tuples(config, cls.TUPLE_ARGS)
        for arg in cls.NESTED_ARGS:
            config[arg] = keras.saving.deserialize_keras_object(
                config[arg], custom_objects=custom_objects)
        return super().from_config(config)


def restore_tuples(config, keys):
    """A copy of ``config`` with the lists under ``keys`` turned into tuples."""
    config = dict(config)
    for key in keys:
        if isinstance(config.get(key), list):
            config[key] = tuple(config[key])
    return config
