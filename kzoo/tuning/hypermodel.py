"""A KerasTuner ``HyperModel`` for every registered model, built from the registry.

Nothing here is model specific. A :class:`SearchPlan` reads a model's
``SearchSpace`` and factory signature once:

* each hyperparameter's default is the factory's default (``default=None`` in
  the spec), or what ``SearchSpace.defaults_from`` derives from the factory's
  defaults (``hidden_units=(256, 128)`` -> ``units=256, num_layers=2``), so a
  trial with every hyperparameter at its default builds exactly the model
  ``kzoo.<factory>(**fixed)`` returns;
* ``fixed`` arguments (input shape, number of classes, ...) are passed to the
  factory on every trial; a hyperparameter whose every factory argument is
  fixed (``units``/``num_layers`` once ``hidden_units`` is fixed) is not tuned,
  and a hyperparameter named in ``fixed`` is pinned to that value;
* ``batch_size`` is tuned in ``fit`` over the guide's choices (32..256,
  default 32) unless it is fixed.

``build(hp)`` only samples values and calls the factory: it is cheap and has
no side effect, as KerasTuner requires (it calls ``build`` several times while
constructing a tuner). ``fit`` passes every keyword it receives to
``model.fit``, so Hyperband's ``epochs``/``initial_epoch`` are honoured.

KerasTuner is imported only when a hypermodel is instantiated.
"""

import dataclasses
import functools
import inspect
import math
from collections.abc import Mapping
from typing import Any

from kzoo import defaults
from kzoo.registry import model_info
from kzoo.search_space import Boolean, Choice, Float, Int

FIT_HYPERPARAMETERS = ("batch_size",)


def check_jit_arg(jit_compile):
    """Validates a ``jit_compile`` argument: True, False or ``"auto"``."""
    if not (isinstance(jit_compile, bool) or (isinstance(jit_compile, str)
                                              and jit_compile == "auto")):
        raise ValueError(f"jit_compile must be True, False or 'auto'. "
                         f"Received: jit_compile={jit_compile!r}")
    return jit_compile


def apply_jit(model, jit_compile):
    """Sets ``jit_compile`` on a compiled model; ``"auto"`` leaves it alone.

    ``True`` is refused for a model with a layer that would make Keras
    silently fall back to no XLA (see :mod:`kzoo.tuning.xla`).
    """
    if jit_compile == "auto":
        return model
    if jit_compile:
        from kzoo.tuning.xla import check_jit

        check_jit(model, True)
    model.jit_compile = jit_compile
    return model


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value)


def _with_default(spec, default):
    """``spec`` with ``default`` set, widening a range so that it fits.

    A factory default outside the spec's range (say ``dropout=0.0`` with a
    0.1..0.5 range) widens the range to include it, so the first trial can
    still reproduce the factory's model. A default the spec cannot represent
    (``None``, a non-positive value on a log scale) is dropped and
    KerasTuner's own default (the minimum, the first choice) is used.
    """
    if default is None:
        return spec
    if isinstance(spec, Boolean):
        return dataclasses.replace(spec, default=bool(default)) if isinstance(
            default, bool) else spec
    if isinstance(spec, Choice):
        if default in spec.values:
            return dataclasses.replace(spec, default=default)
        same_type = all(type(v) is type(default) for v in spec.values)
        if same_type and isinstance(default, (str, int, float, bool)):
            return dataclasses.replace(spec, values=(default, *spec.values), default=default)
        return spec
    if not _is_number(default):
        return spec
    if isinstance(spec, Int):
        if isinstance(default, float) and not default.is_integer():
            return spec
        default = int(default)
    else:
        default = float(default)
    if spec.sampling != "linear" and default <= 0:
        return spec
    low, high = min(spec.min_value, default), max(spec.max_value, default)
    return dataclasses.replace(spec, min_value=low, max_value=high, default=default)


def _fallback(spec):
    """The value KerasTuner would use as default for ``spec``."""
    if spec.default is not None:
        return spec.default
    if isinstance(spec, Choice):
        return spec.values[0]
    if isinstance(spec, Boolean):
        return False
    return spec.min_value


def _alternative(spec, value):
    """A value of ``spec`` different from ``value`` (to probe what it changes)."""
    if isinstance(spec, Boolean):
        return not value
    if isinstance(spec, Choice):
        return next((v for v in spec.values if v != value), value)
    return spec.max_value if value != spec.max_value else spec.min_value


def sample(hp, spec):
    """Registers ``spec`` on a ``keras_tuner.HyperParameters`` and returns its value."""
    if isinstance(spec, Float):
        return hp.Float(spec.name, spec.min_value, spec.max_value, sampling=spec.sampling,
                        default=spec.default)
    if isinstance(spec, Int):
        return hp.Int(spec.name, spec.min_value, spec.max_value, step=spec.step,
                      sampling=spec.sampling, default=spec.default)
    if isinstance(spec, Choice):
        return hp.Choice(spec.name, list(spec.values), default=spec.default)
    if isinstance(spec, Boolean):
        return hp.Boolean(spec.name, default=bool(spec.default))
    raise TypeError(f"Unknown hyperparameter spec: {spec!r}")


@dataclasses.dataclass(frozen=True)
class SearchPlan:
    """What a search over one registered model samples and what it keeps fixed.

    Attributes:
        name: Registry name of the model.
        tuned: The specs sampled on every trial, with the factory's defaults.
        pinned: Hyperparameter values held constant (named in ``fixed``, or
            not tuned because the factory arguments they feed are fixed).
        fixed: Factory keyword arguments passed on every trial.
        batch_size: Fixed batch size, or None to tune it in ``fit``.
    """

    name: str
    tuned: tuple
    pinned: Mapping[str, Any]
    fixed: Mapping[str, Any]
    batch_size: int | None = None

    @property
    def info(self):
        return model_info(self.name)

    @property
    def tunes_batch_size(self):
        return self.batch_size is None

    def batch_size_spec(self):
        return Choice("batch_size", tuple(defaults.BATCH_SIZE_CHOICES),
                      default=defaults.BATCH_SIZE)

    def defaults(self) -> dict:
        """Hyperparameter values that reproduce the factory's default model."""
        values = {spec.name: spec.default for spec in self.tuned}
        if self.tunes_batch_size:
            values["batch_size"] = defaults.BATCH_SIZE
        return values

    def kwargs_for(self, values: Mapping) -> dict:
        """Factory keyword arguments for sampled hyperparameter ``values``."""
        space = self.info.search_space
        chosen = {**self.pinned, **{k: v for k, v in values.items() if k in space.names}}
        return {**space.kwargs_for(chosen), **self.fixed}

    def build(self, hp, *, jit_compile="auto"):
        """Samples every tuned hyperparameter on ``hp`` and calls the factory."""
        values = {spec.name: sample(hp, spec) for spec in self.tuned}
        return apply_jit(self.info.factory(**self.kwargs_for(values)), jit_compile)

    def describe(self) -> str:
        lines = [f"search over {self.name}:"]
        for spec in self.tuned:
            if isinstance(spec, (Float, Int)):
                rng = f"{spec.min_value:g}..{spec.max_value:g} ({spec.sampling})"
            elif isinstance(spec, Choice):
                rng = "|".join(map(str, spec.values))
            else:
                rng = "True|False"
            lines.append(f"  {spec.name:<14} {rng}  default {spec.default!r}")
        if self.tunes_batch_size:
            lines.append(f"  {'batch_size':<14} "
                         f"{'|'.join(map(str, defaults.BATCH_SIZE_CHOICES))}"
                         f"  default {defaults.BATCH_SIZE}")
        fixed = {**self.fixed, **({"batch_size": self.batch_size} if self.batch_size else {})}
        if fixed:
            lines.append("  fixed: " + ", ".join(f"{k}={v!r}" for k, v in fixed.items()))
        return "\n".join(lines)


def _factory_parameters(factory):
    return inspect.signature(factory).parameters


def _split_tuned(space, specs, pinned, factory_fixed):
    """The specs to tune; moves to ``pinned`` those whose every factory argument is fixed.

    A hyperparameter whose every argument is fixed would only produce
    duplicate trials.
    """
    base = {s.name: pinned.get(s.name, _fallback(s)) for s in specs}
    feeds = {}
    try:
        reference = space.kwargs_for(dict(base))
        for spec in specs:
            changed = space.kwargs_for({**base, spec.name: _alternative(spec, base[spec.name])})
            feeds[spec.name] = {k for k in set(reference) | set(changed)
                                if reference.get(k, None) != changed.get(k, None)}
    except Exception:  # a to_kwargs that rejects a probe value: tune everything
        feeds = {}
    tuned = []
    for spec in specs:
        targets = feeds.get(spec.name)
        if spec.name in pinned:
            continue
        if targets and targets <= set(factory_fixed):
            pinned[spec.name] = base[spec.name]
            continue
        tuned.append(spec)
    return tuned


def plan_search(name: str, fixed: Mapping | None = None) -> SearchPlan:
    """Reads the registry entry of ``name`` into a :class:`SearchPlan`.

    Args:
        name: str. A registered model name.
        fixed: dict. Factory arguments held constant (``num_classes``,
            ``input_shape``, ...), hyperparameters pinned to a value
            (``{"learning_rate": 1e-3}``) and/or ``batch_size``.

    Returns:
        A :class:`SearchPlan`.

    Raises:
        ValueError: for an unknown model, a ``fixed`` key that is neither a
            factory argument nor a hyperparameter, ``compile=False``, or a
            missing required factory argument.

    Example:
        >>> plan = kzoo.tuning.plan_search("mlp_classifier",
        ...                                {"num_classes": 10, "input_shape": (64,)})
        >>> print(plan.describe())
    """
    info = model_info(name)
    fixed = dict(fixed or {})
    space = info.search_space
    params = _factory_parameters(info.factory)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    allowed = set(params) | set(space.names) | set(FIT_HYPERPARAMETERS)
    unknown = sorted(k for k in fixed if k not in allowed and not accepts_any)
    if unknown:
        raise ValueError(
            f"fixed has argument(s) {unknown} that {name} does not take. It accepts the "
            f"factory arguments {sorted(params)}, the hyperparameters "
            f"{sorted(space.names)} and 'batch_size'. Received: fixed={fixed!r}")
    if fixed.get("compile", True) is not True:
        raise ValueError("A tuned model must be compiled; remove compile from fixed. "
                         f"Received: fixed={fixed!r}")
    batch_size = fixed.pop("batch_size", None)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(
            batch_size, int) or batch_size < 1):
        raise ValueError(f"fixed batch_size must be a positive int. Received: "
                         f"batch_size={batch_size!r}")
    factory_fixed = {k: v for k, v in fixed.items() if k in params or (
        accepts_any and k not in space.names)}
    pinned = {k: v for k, v in fixed.items() if k in space.names}
    missing = [r for r in info.required if r not in factory_fixed]
    if missing:
        raise ValueError(f"{name} needs the argument(s) {missing}; pass them in fixed, e.g. "
                         f"fixed={{{', '.join(repr(m) + ': ...' for m in missing)}}}. "
                         f"Received: fixed={fixed!r}")

    factory_defaults = {**info.defaults, **factory_fixed}
    derived = dict(space.defaults_from(factory_defaults)) if space.defaults_from else {}
    specs = []
    for spec in space.params:
        default = spec.default
        if default is None:
            default = derived.get(spec.name, factory_defaults.get(spec.name))
        specs.append(_with_default(spec, default))

    tuned = _split_tuned(space, specs, pinned, factory_fixed)
    return SearchPlan(name=name, tuned=tuple(tuned), pinned=pinned, fixed=factory_fixed,
                      batch_size=batch_size)


@functools.cache
def _classes():
    """The HyperModel subclasses, defined on first use (imports KerasTuner)."""
    import keras_tuner

    class RegistryHyperModel(keras_tuner.HyperModel):
        """Tunes a registered kzoo model; see :func:`kzoo.tuning.hypermodel_for`."""

        def __init__(self, plan, *, jit_compile="auto", fit_verbose=0):
            super().__init__(name=plan.name, tunable=True)
            self.plan = plan
            self.jit_compile = jit_compile
            self.fit_verbose = fit_verbose

        def declare_hyperparameters(self, hp):
            if self.plan.tunes_batch_size:
                sample(hp, self.plan.batch_size_spec())

        def build(self, hp):
            return self.plan.build(hp, jit_compile=self.jit_compile)

        def fit(self, hp, model, *args, **kwargs):
            if self.plan.tunes_batch_size:
                kwargs["batch_size"] = sample(hp, self.plan.batch_size_spec())
            else:
                kwargs.setdefault("batch_size", self.plan.batch_size)
            kwargs.setdefault("verbose", self.fit_verbose)
            return model.fit(*args, **kwargs)

    class FunctionHyperModel(keras_tuner.HyperModel):
        """Wraps a user's ``build(hp) -> compiled keras.Model``."""

        def __init__(self, build_fn, *, jit_compile="auto", fit_verbose=0,
                     batch_size=None):
            super().__init__(name=getattr(build_fn, "__name__", "build_fn"), tunable=True)
            self.build_fn = build_fn
            self.jit_compile = jit_compile
            self.fit_verbose = fit_verbose
            self.batch_size = batch_size

        def build(self, hp):
            model = self.build_fn(hp)
            return apply_jit(model, self.jit_compile) if hasattr(model, "jit_compile") else model

        def fit(self, hp, model, *args, **kwargs):
            if self.batch_size is not None:
                kwargs.setdefault("batch_size", self.batch_size)
            kwargs.setdefault("verbose", self.fit_verbose)
            return model.fit(*args, **kwargs)

    return RegistryHyperModel, FunctionHyperModel


def hypermodel_for(model, fixed=None, *, jit_compile="auto", verbose=0):
    """A ``keras_tuner.HyperModel`` for a registered model or a build function.

    Use it to drive KerasTuner directly; :func:`kzoo.tune` does this for you.

    Args:
        model: str or callable. A registry name, or ``fn(hp) -> compiled
            keras.Model``.
        fixed: dict. For a registry name: arguments held constant (see
            :func:`plan_search`). For a function: only ``batch_size`` is read.
            Defaults to None.
        jit_compile: bool or ``"auto"``. Set on every built model; ``"auto"``
            keeps the model's own setting. Defaults to ``"auto"``.
        verbose: int. ``model.fit`` verbosity inside trials. Defaults to 0.

    Returns:
        A ``keras_tuner.HyperModel``.

    Example:
        >>> import keras_tuner
        >>> hm = kzoo.tuning.hypermodel_for("mlp_classifier",
        ...                             {"num_classes": 10, "input_shape": (64,)})
        >>> tuner = keras_tuner.RandomSearch(
        ...     hm, objective=keras_tuner.Objective("val_accuracy", "max"), max_trials=5)
    """
    check_jit_arg(jit_compile)
    registry_cls, function_cls = _classes()
    if isinstance(model, str):
        return registry_cls(plan_search(model, fixed), jit_compile=jit_compile,
                            fit_verbose=verbose)
    if not callable(model):
        raise ValueError("model must be a registered model name or a function "
                         f"fn(hp) -> compiled keras.Model. Received: model={model!r}")
    fixed = dict(fixed or {})
    extra = sorted(set(fixed) - {"batch_size"})
    if extra:
        raise ValueError(f"With a build function, fixed may only hold 'batch_size' (pass "
                         f"other constants to your function yourself). Received: "
                         f"fixed={fixed!r}")
    return function_cls(model, jit_compile=jit_compile, fit_verbose=verbose,
                        batch_size=fixed.get("batch_size"))
