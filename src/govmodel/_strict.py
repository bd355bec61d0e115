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
    "MAX_INT_DIGITS",
    "MAX_SHOWN",
    "NO_SURROGATES",
    "WrongTypeError",
    "configure_converter",
    "digits",
    "kind_of",
    "quoted",
    "short_repr",
    "show",
    "strict_bool",
    "strict_date",
    "strict_enum",
    "strict_int",
    "strict_str",
    "surrogate_at",
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

    def personal(self) -> str:
        """The message without the value: what was expected and the kind found."""
        return f"expected {self.expected}, found {kind_of(self.found)}"


MAX_INT_DIGITS = 4300
"""The most digits an integer read from outside may have (Python's own default
limit for turning text into an integer); a longer one is refused."""

NO_SURROGATES = "text without lone surrogates (U+D800 to U+DFFF), which UTF-8 cannot hold"

MAX_SHOWN = 60
"""The most characters of a string a message quotes; a longer one is cut with ``…``."""


def digits(value: int) -> int:
    """How many decimal digits ``value`` has, without turning it into text.

    ``str()`` refuses integers of more than 4300 digits, so messages about
    outside data count digits instead of printing them.

    Examples
    --------
    >>> digits(0), digits(-999), digits(10**5000)
    (1, 3, 5001)
    """
    magnitude = abs(value)
    if magnitude < 10:
        return 1
    count = int((magnitude.bit_length() - 1) * 0.30102999566398120) + 1
    if magnitude >= 10**count:
        count += 1
    if magnitude < 10 ** (count - 1):
        count -= 1
    return count


def quoted(text: str) -> str:
    r"""A string as a message quotes it: JSON-escaped, cut after ``MAX_SHOWN`` characters.

    Control characters and lone surrogates come out as escapes, so the message
    itself can always be printed and written as UTF-8.

    Examples
    --------
    >>> print(quoted("新河"), quoted("a" + chr(0) + "b"), quoted(chr(0xD800)))
    "新河" "a\u0000b" "\ud800"
    >>> len(quoted("x" * 1000))
    63
    """
    cut = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"
    encoded = json.dumps(cut, ensure_ascii=False)
    return encoded.encode("utf-8", "backslashreplace").decode("utf-8")


def kind_of(value: object) -> str:
    """What kind of value ``value`` is, never the value itself: for personal fields.

    Examples
    --------
    >>> kind_of("13812345678"), kind_of(13812345678), kind_of(["王秀英"]), kind_of(None)
    ('a string', 'an integer', 'a list', 'nothing (null)')
    """
    kinds = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        tuple: "a list",
        dict: "a table",
        dt.date: "a date",
        dt.datetime: "a date-time",
    }
    if value is None:
        return "nothing (null)"
    return kinds.get(type(value), f"a {type(value).__name__}")


def short_repr(value: object) -> str:
    """``repr(value)`` for a message, cut short; a value too big to print is named by its kind.

    Examples
    --------
    >>> short_repr([1, "a"]), short_repr(10**5000)
    ("[1, 'a']", 'an integer of 5,001 digits')
    """
    try:
        text = repr(value)
    except ValueError:  # an integer of more digits than Python prints
        return show(value)
    return text if len(text) <= 80 else text[:79] + "…"


def show(value: object, *, personal: bool = False) -> str:
    """A value as a message names it: its kind, and itself when it is short.

    An integer of more than 20 digits is named by its length, a string is cut
    after ``MAX_SHOWN`` characters, and with ``personal=True`` only the kind
    is named (see ``kind_of``): a message never echoes personal data.

    Examples
    --------
    >>> show("many"), show(3), show(True), show([1]), show(None)
    ('the string "many"', 'the integer 3', 'the boolean True', 'a list', 'nothing (null)')
    >>> show(10**30), show("13812345678", personal=True)
    ('an integer of 31 digits', 'a string')
    """
    if personal:
        return kind_of(value)
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
            if kind is int:
                assert isinstance(value, int)
                count = digits(value)
                if count > 20:
                    return f"an integer of {count:,} digits"
                return f"{label} {int.__repr__(value)}"
            shown = quoted(value) if isinstance(value, str) else str(value)
            return f"{label} {shown}"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__}"


def surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``, if any.

    No file format govmodel writes (UTF-8 TOML, JSON, YAML, XML) can hold
    one, so readers refuse them.

    Examples
    --------
    >>> surrogate_at("ok"), surrogate_at("a" + chr(0xD800))
    (None, 1)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return err.start
    return None


def strict_str(value: object, _: type[Any]) -> str:
    """Structure hook for ``str``: only a string."""
    if not isinstance(value, str):
        raise WrongTypeError("a string", value)
    if not value.isascii() and surrogate_at(value) is not None:
        raise WrongTypeError(NO_SURROGATES, value, code="invalid-value")
    return value


def strict_int(value: object, _: type[Any]) -> int:
    """Structure hook for ``int``: only an integer, never a boolean or a string."""
    if type(value) is not int:
        raise WrongTypeError("an integer", value)
    if digits(value) > MAX_INT_DIGITS:
        raise WrongTypeError(f"an integer of at most {MAX_INT_DIGITS} digits", value)
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
