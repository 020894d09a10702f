r"""Render a frozen hyperparameter dataclass as the page's table, so it is never retyped.

Each field's one-line docstring (the string literal right below the field, as in CleanRL's
configs) becomes the "meaning" column.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import math
import textwrap

__all__ = ["config_table", "field_docs"]


def field_docs(cls) -> dict[str, str]:
    """Map each dataclass field of `cls` to the docstring written right below it."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body
    docs: dict[str, str] = {}
    for node, nxt in zip(body, body[1:] + [None], strict=True):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)
                and isinstance(nxt.value.value, str)):
            docs[node.target.id] = " ".join(nxt.value.value.split())
    return docs


def _show(value) -> str:
    """A short, exact spelling: `2**-13` for small powers of two, else `repr`."""
    if isinstance(value, float) and value > 0 and math.isfinite(value):
        mantissa, exponent = math.frexp(value)
        if mantissa == 0.5 and exponent - 1 <= -4:
            return f"2**{exponent - 1}"
    return repr(value)


def config_table(config, columns: dict[str, dict[str, str]] | None = None) -> str:
    """A markdown table of a dataclass instance (or class): field, value, meaning.

    Args:
        config: a dataclass instance, or the class for its defaults.
        columns: optional extra columns, `{"column title": {"field": "text", ...}}`,
            e.g. the paper's setting and why ours differs.
    """
    cls = config if isinstance(config, type) else type(config)
    if not dataclasses.is_dataclass(cls):
        raise ValueError(f"config must be a dataclass, got {cls!r}")
    docs = field_docs(cls)
    columns = columns or {}
    head = ["field", "value", *columns, "meaning"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in dataclasses.fields(cls):
        if isinstance(config, type):
            value = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else "")
        else:
            value = getattr(config, f.name)
        extra = [columns[c].get(f.name, "") for c in columns]
        cells = [f"`{f.name}`", f"`{_show(value)}`", *extra, docs.get(f.name, "")]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
