"""The task layer: a family's body + a task = a registered, documented factory.

A family writes only what is its own, a *body*::

    def mlp_body(*, input_shape, hidden_units=(256, 128), ..., kernel_regularizer=None):
        '''Dense layers in a funnel.

        Args:
            input_shape: tuple. ...
            hidden_units: tuple of int. ...
        '''
        inputs = keras.Input(shape=input_shape)
        ...
        return inputs, features

and one line per factory::

    mlp_classifier = tasks.classifier(mlp_body, name="mlp_classifier", family="dense", ...)

:func:`classifier` / :func:`regressor` give the factory its keyword-only
signature (head arguments, the body's arguments, then the shared ones of
:mod:`kzoo.tasks.arguments`), its docstring (the body's ``Args:`` entries
between the head's and the shared ones: :mod:`kzoo.docstrings`), the
validation of every shared argument before anything is built, the output
layer, the compile step, the model's name and its registration. This is the
Backbone/Task split of keras-hub, kept as plain functions returning plain
``keras.Model``s.
"""

import inspect

from kzoo import docstrings
from kzoo.registry import register_model
from kzoo.tasks import arguments, kinds
from kzoo.tasks.model import TaskModel

#: The body argument through which the task layer passes ``L1L2(l1, l2)``.
REGULARIZER_ARG = "kernel_regularizer"


def classifier(body, **spec):
    """A registered classification factory from ``body``; see :func:`supervised`."""
    return supervised(body, kinds.CLASSIFICATION, **spec)


def regressor(body, **spec):
    """A registered regression factory from ``body``; see :func:`supervised`."""
    return supervised(body, kinds.REGRESSION, **spec)


def supervised(body, kind, *, name, family, guide, summary, search_space=None, example=None,
               description="", example_doc="", reference="", bind=None, overrides=None,
               docs=None):
    """Builds, documents and registers one supervised factory.

    Args:
        body: callable. ``body(**arguments) -> (inputs, features)``, keyword-only
            arguments documented in its docstring; it may accept
            ``kernel_regularizer`` to receive the ``l1``/``l2`` penalty.
        kind: :class:`kzoo.tasks.kinds.TaskKind`. Classification or regression.
        name: str. The registry name, the factory's ``__name__`` and the name of
            the models it builds.
        family: str. Registry family (``kzoo.registry.FAMILIES``).
        guide: str. The guide section the factory implements.
        summary: str. First line of the factory's docstring.
        search_space: ``kzoo.search_space.SearchSpace``. Tunable hyperparameters.
        example: ``kzoo.registry.Example``. Tiny config for the registry-wide tests.
        description: str. Paragraphs after the summary; defaults to the body's.
        example_doc: str. The docstring's ``Example:`` section.
        reference: str. The docstring's ``Reference:`` section.
        bind: dict. Body arguments fixed by this factory (not in its signature),
            e.g. ``{"cell": "lstm"}``.
        overrides: dict. New defaults for head or shared arguments, e.g.
            ``{"optimizer": "adamw"}``.
        docs: dict. Argument name -> docstring text replacing the shared one
            (``{default}`` is filled in).

    Returns:
        The factory, registered.
    """
    bind, overrides, docs = dict(bind or {}), dict(overrides or {}), dict(docs or {})
    shared = (*kind.head_args, *arguments.REGULARIZATION_ARGS, kind.loss,
              *arguments.COMPILE_ARGS)
    body_params = [p for p in inspect.signature(body).parameters.values()
                   if p.name != REGULARIZER_ARG and p.name not in bind]
    passes_regularizer = REGULARIZER_ARG in inspect.signature(body).parameters
    head_count = len(kind.head_args)
    parameters = [_parameter(a.name, overrides.get(a.name, a.default)) for a in shared]
    parameters[head_count:head_count] = [_parameter(p.name, p.default) for p in body_params]
    signature = inspect.Signature(parameters)

    def factory(*args, **kwargs):
        if args:
            raise TypeError(f"{name}() takes keyword arguments only. Received "
                            f"{len(args)} positional argument(s)")
        bound = signature.bind(**kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        head = kind.check_head(values)
        regularizer = arguments.regularizer_from(values)
        loss = arguments.check_loss(values.pop("loss"), also=kind.loss_names)
        compile_args = arguments.check_compile_args(values)
        if passes_regularizer:
            values[REGULARIZER_ARG] = regularizer
        inputs, features = body(**values, **bind)
        model = TaskModel(inputs, kind.output(features, head, regularizer), name=name)
        if compile_args.compile:
            kind.compile(model, head, loss, compile_args)
        return model

    factory.__name__ = factory.__qualname__ = name
    factory.__module__ = body.__module__
    factory.__signature__ = signature
    factory.__doc__ = _docstring(body, kind, shared, body_params, name=name, summary=summary,
                                 description=description, example_doc=example_doc,
                                 reference=reference, overrides=overrides, docs=docs)
    factory.body = body
    return register_model(family=family, task=kind.name, search_space=search_space,
                          example=example, guide=guide, name=name)(factory)


def _parameter(name, default):
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)


def _docstring(body, kind, shared, body_params, *, name, summary, description, example_doc,
               reference, overrides, docs):
    body_doc = docstrings.parse(body.__doc__)
    missing = [p.name for p in body_params if p.name not in body_doc.args]
    if missing:
        raise ValueError(f"{body.__name__} does not document its argument(s) {missing}; the "
                         f"task layer copies them into {name}'s docstring.")
    entries = [a.entry(overrides.get(a.name), docs.get(a.name)) for a in shared]
    head_count = len(kind.head_args)
    entries[head_count:head_count] = [body_doc.args[p.name] for p in body_params]
    return docstrings.compose(
        summary, description=description or body_doc.description, args=entries,
        sections=(("Returns", kind.returns.format(name=name)), ("Example", example_doc),
                  ("Reference", reference)))
