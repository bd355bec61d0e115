"""Strict cattrs hooks shared by the spec loader and the case event log.

A value is read as the type its field declares or not at all: a string never
becomes a number, ``"no"`` never ``True``, ``5`` never ``"5"``, and an enum
takes only one of its values. A refused value raises ``WrongTypeError``, which
each reader turns into its own located message.

``configure_converter`` registers the hooks both readers share; the spec loader
adds dates and lists on top, the event log its date-times.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum, StrEnum
from typing import Any

import cattrs

__all__ = [
    "WrongTypeError",
    "configure_converter",
    "show",
    "strict_bool",
    "strict_date",
    "strict_enum",
    "strict_int",
    "strict_str",
]


class WrongTypeError(TypeError):
    """A value of the wrong type; formatted into a located message by its reader.

    Examples
    --------
    >>> err = WrongTypeError("an integer", "5")
    >>> print(err)
    expected an integer, found the string "5"
    >>> err.code
    'wrong-type'
    """

    def __init__(self, expected: str, found: object, code: str = "wrong-type") -> None:
        self.expected = expected
        self.found = found
        self.code = code
        super().__init__(f"expected {expected}, found {show(found)}")


def show(value: object) -> str:
    """A value as a message names it: its kind, and itself when it is short.

    Examples
    --------
    >>> show("many"), show(3), show(True), show([1]), show(None)
    ('the string "many"', 'the integer 3', 'the boolean True', 'a list', 'nothing (null)')
    """
    kinds = {
        bool: "the boolean",
        int: "the integer",
        float: "the number",
        str: "the string",
        list: "a list",
        dict: "a table",
        dt.date: "the date",
        dt.datetime: "the date-time",
    }
    for kind, label in kinds.items():
        if type(value) is kind:
            if kind in (list, dict):
                return label
            shown = json.dumps(value, ensure_ascii=False) if kind is str else str(value)
            return f"{label} {shown}"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__}"


def strict_str(value: object, _: type[Any]) -> str:
    """Structure hook for ``str``: only a string."""
    if not isinstance(value, str):
        raise WrongTypeError("a string", value)
    return value


def strict_int(value: object, _: type[Any]) -> int:
    """Structure hook for ``int``: only an integer, never a boolean or a string."""
    if type(value) is not int:
        raise WrongTypeError("an integer", value)
    return value


def strict_bool(value: object, _: type[Any]) -> bool:
    """Structure hook for ``bool``: only ``True`` or ``False``."""
    if type(value) is not bool:
        raise WrongTypeError("true or false", value)
    return value


def strict_date(value: object, _: type[Any]) -> dt.date:
    """Structure hook for ``datetime.date``: a date, or a string like ``2025-01-31``."""
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise WrongTypeError("a date like 2025-01-31", value, code="bad-date")
    raise WrongTypeError("a date like 2025-01-31", value, code="bad-date")


def strict_enum(value: object, enum: type[Enum]) -> Enum:
    """Structure hook for enums: a string that is one of the enum's values."""
    if not isinstance(value, str):
        raise WrongTypeError("a string", value)
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in enum)
        raise WrongTypeError(f"one of {choices}", value, code="unknown-value") from None


def configure_converter(converter: cattrs.Converter) -> None:
    """Register the strict hooks for strings, integers, booleans and enums.

    Examples
    --------
    >>> import cattrs
    >>> c = cattrs.Converter()
    >>> configure_converter(c)
    >>> c.structure(5, int)
    5
    >>> c.structure("5", int)
    Traceback (most recent call last):
    ...
    govmodel._strict.WrongTypeError: expected an integer, found the string "5"
    """
    converter.register_structure_hook(str, strict_str)
    converter.register_structure_hook(int, strict_int)
    converter.register_structure_hook(bool, strict_bool)
    # StrEnum derives from str: register on it too, or the str hook would win.
    converter.register_structure_hook(StrEnum, strict_enum)
    converter.register_structure_hook(Enum, strict_enum)
