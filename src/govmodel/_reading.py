"""Reading outside text safely: the limits every loader of govmodel shares.

Each reader (specs, event logs, Open311, Popolo, node-link) parses its text
with ``read_json`` (or the YAML loader here) and turns a ``ReadProblem`` into
its own located error. What they refuse, with a message and never a builtin
exception:

* a key repeated in one object or mapping (JSON and YAML would keep the last);
* an integer of more than ``MAX_INT_DIGITS`` digits;
* values nested deeper than ``MAX_DEPTH`` lists and objects.
"""

from __future__ import annotations

import json
from typing import Any

from govmodel._strict import MAX_INT_DIGITS, quoted

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "ReadProblem",
    "deeper_than",
    "read_json",
    "yaml_loader",
]

MAX_DEPTH = 100
"""The deepest nesting of lists and objects a reader accepts. govmodel's own
documents nest five levels at most."""


class ReadProblem(ValueError):  # noqa: N818 - internal, never escapes a reader
    """Text a reader refuses; each reader turns it into its own located error.

    Examples
    --------
    >>> print(ReadProblem("a key repeated", line=2, column=5))
    a key repeated (line 2, column 5)
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.message = message
        self.line = line
        self.column = column
        where = "" if line is None else f" (line {line}, column {column})"
        super().__init__(f"{message}{where}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ReadProblem(f"expected each key once in an object, found {quoted(key)} twice")
            seen.add(key)
    return result


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ReadProblem(
            f"expected integers of at most {MAX_INT_DIGITS} digits, "
            f"found one of {len(text.lstrip('-')):,} digits"
        )
    try:
        return int(text)
    except ValueError:  # a lower limit set with sys.set_int_max_str_digits
        raise ReadProblem(f"found an integer of {len(text):,} digits, too long to read") from None


def deeper_than(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and mappings nest deeper than ``limit`` in ``value``.

    Walks without recursion, so any depth can be measured.

    Examples
    --------
    >>> deeper_than([[1]], 2), deeper_than([[[1]]], 2)
    (False, True)
    """
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def read_json(text: str) -> object:
    """Parse JSON text, refusing repeated keys, huge integers and deep nesting.

    Raises
    ------
    ReadProblem
        With the line and column for a syntax error.

    Examples
    --------
    >>> read_json('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> read_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    govmodel._reading.ReadProblem: expected each key once in an object, found "a" twice
    >>> read_json("[" * 100000)
    Traceback (most recent call last):
    ...
    govmodel._reading.ReadProblem: expected lists and objects nested at most 100 deep, ...
    """
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as err:
        raise ReadProblem(err.msg, line=err.lineno, column=err.colno) from None
    except RecursionError:
        data = None
        too_deep = True
    else:
        too_deep = deeper_than(data)
    if too_deep:
        raise ReadProblem(
            f"expected lists and objects nested at most {MAX_DEPTH} deep, found deeper ones"
        )
    return data


def yaml_loader(yaml: Any) -> type[Any]:
    """A safe YAML loader class that refuses a key repeated in one mapping.

    PyYAML keeps the last value of a repeated key; this loader raises
    ``ReadProblem`` naming the key and its line instead, and refuses integers
    of more than ``MAX_INT_DIGITS`` digits. It is libyaml's loader when PyYAML
    was built with it (about three times faster than the pure-Python one).
    """
    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    cached = _YAML_LOADERS.get(base)
    if cached is not None:
        return cached

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key; SafeConstructor reports it
                continue
            if repeated:
                mark = key_node.start_mark
                shown = quoted(key) if isinstance(key, str) else "a key"
                raise ReadProblem(
                    f"expected each key once in a mapping, found {shown} twice",
                    line=mark.line + 1,
                    column=mark.column + 1,
                )
        result: dict[Any, Any] = base.construct_mapping(self, node, deep=deep)
        return result

    def construct_int(self: Any, node: Any) -> int:
        text = str(node.value).replace("_", "")
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            mark = node.start_mark
            raise ReadProblem(
                f"expected integers of at most {MAX_INT_DIGITS} digits, "
                f"found one of {len(text.lstrip('+-')):,} digits",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        value: int = base.construct_yaml_int(self, node)
        return value

    loader: Any = type("_UniqueKeyLoader", (base,), {"construct_mapping": construct_mapping})
    loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    _YAML_LOADERS[base] = loader
    made: type[Any] = loader
    return made


_YAML_LOADERS: dict[type[Any], type[Any]] = {}
