"""kzoo's one docstring mechanism: Google-style docstrings read and written as sections.

Factories that share arguments (the task layer's shared arguments, a family's
body arguments) do not copy their ``Args:`` lines: each argument is documented
once, where it is defined, and :func:`compose` assembles the factory's
docstring from those lines. :func:`parse` reads a documented function back
into the same pieces, so a body's own docstring is the source of its lines.

Example:
    >>> doc = kzoo.docstrings.parse(kzoo.models.dense.mlp_body.__doc__)
    >>> doc.args["hidden_units"]
    'hidden_units: tuple of int. Width of each hidden layer. ...'
"""

import dataclasses
import inspect
import re

_SECTION = re.compile(r"^([A-Z][A-Za-z ]*):\s*$")
_ARG = re.compile(r"^    (\*{0,2}\w+)( \(.*\))?:")
INDENT = "    "


@dataclasses.dataclass
class Docstring:
    """A parsed Google-style docstring.

    Attributes:
        summary: str. The first line.
        description: str. The paragraphs between the summary and the first
            section (may be empty).
        args: dict. Argument name -> its full entry (``"name: text"``, with
            continuation lines indented by four spaces), in order.
        sections: dict. Other section title (``"Returns"``, ``"Example"``,
            ...) -> its body, dedented.
    """

    summary: str = ""
    description: str = ""
    args: dict = dataclasses.field(default_factory=dict)
    sections: dict = dataclasses.field(default_factory=dict)


def parse(doc) -> Docstring:
    """Splits a Google-style docstring into summary, description, args and sections."""
    lines = inspect.cleandoc(doc or "").splitlines()
    out = Docstring(summary=lines[0] if lines else "")
    title, body = None, []

    def flush():
        text = "\n".join(body).strip("\n")
        if title is None:
            out.description = text
        elif title == "Args":
            out.args.update(_parse_args(body))
        else:
            out.sections[title] = inspect.cleandoc(text)

    for line in lines[1:]:
        match = _SECTION.match(line)
        if match:
            flush()
            title, body = match.group(1), []
        else:
            body.append(line)
    flush()
    return out


def _parse_args(lines):
    args, name = {}, None
    for line in lines:
        match = _ARG.match(line)
        if match:
            name = match.group(1)
            args[name] = line[len(INDENT):]
        elif name is not None and line.strip():
            args[name] += "\n" + line[len(INDENT):]
    return args


def arg(name, text) -> str:
    """One ``Args:`` entry: ``"name: text"`` with the text's lines kept."""
    first, *rest = inspect.cleandoc(text).split("\n")
    return "\n".join([f"{name}: {first}", *(INDENT + line for line in rest)])


def compose(summary, *, description="", args=(), sections=()) -> str:
    """Writes a Google-style docstring.

    Args:
        summary: str. The first line.
        description: str. Paragraphs after the summary.
        args: iterable of str. ``Args:`` entries as returned by :func:`arg`
            or found in :attr:`Docstring.args`.
        sections: iterable of ``(title, body)``. ``Returns``, ``Raises``,
            ``Example``, ``Reference``... in order; empty bodies are skipped.

    Returns:
        The docstring, dedented (``inspect.getdoc`` shows it as written).
    """
    parts = [summary.strip()]
    if description.strip():
        parts.append(inspect.cleandoc(description))
    entries = [_indent(entry, 1) for entry in args]
    if entries:
        parts.append("Args:\n" + "\n".join(entries))
    for title, body in sections:
        if body and body.strip():
            parts.append(f"{title}:\n{_indent(inspect.cleandoc(body), 1)}")
    return "\n\n".join(parts) + "\n"


def _indent(text, levels):
    first, *rest = text.split("\n")
    pad = INDENT * levels
    return "\n".join([pad + first, *((pad + line) if line.strip() else "" for line in rest)])


def template(text, **blocks):
    """Decorator: the function's docstring is ``text`` with ``{name}`` blocks filled in.

    For factories that are not built by the task layer but share argument
    entries (the autoencoder family): each block is a group of ``Args:``
    entries, written once, indented where its placeholder stands.

    Example:
        >>> @kzoo.docstrings.template(DOC, common=COMMON_ENTRIES)
        ... def autoencoder(*, input_shape, ...): ...
    """
    def decorate(fn):
        fn.__doc__ = text.format(**{k: v.strip("\n") for k, v in blocks.items()})
        return fn
    return decorate
