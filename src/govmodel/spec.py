"""Reading and writing specs: TOML, JSON and YAML files, or plain mappings.

A spec is a mapping with a ``schema`` key (``"govmodel/1"``), optional ``name``
and ``name_zh``, and flat lists of records (``places``, ``grids``, ``bodies``,
``people``, ``posts``, ``appointments``, ``ties``, ``meetings``) referring to
each other by id. ``docs/spec.md`` describes every key.

Records are read with cattrs converters made here for each format (never the
global converter), with strict type hooks: a string is never turned into a
number, a bare string never into a list. Every problem in a spec is collected
and raised at once in one ``govmodel.SpecError``.

Examples
--------
>>> import govmodel
>>> s = govmodel.load({
...     "schema": "govmodel/1",
...     "name": "tiny",
...     "places": [{"id": "community:a", "kind": "community"}],
... }, validate=False)
>>> govmodel.to_dict(s)
{'schema': 'govmodel/1', 'name': 'tiny', 'places': [{'id': 'community:a', 'kind': 'community'}]}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from govmodel._gc import paused
from govmodel._reading import ReadProblem, read_json, yaml_loader
from govmodel._strict import (
    MAX_INT_DIGITS,
    MAX_SHOWN,
    NO_SURROGATES,
    WrongTypeError,
    digits,
    quoted,
    show,
    strict_date,
    strict_str,
    surrogate_at,
)
from govmodel._strict import configure_converter as configure_strict
from govmodel.errors import MissingExtraError, SpecError, SpecProblem
from govmodel.model import Appointment, Body, Grid, Meeting, Person, Place, Post, Tie
from govmodel.structure import SPEC_FIELD, Structure, reference_problems
from govmodel.validation import Severity, locate
from govmodel.validation import validate as run_validation

__all__ = [
    "SCHEMA",
    "Format",
    "dump",
    "dumps",
    "load",
    "loads",
    "make_converter",
    "to_dict",
]

SCHEMA = "govmodel/1"
"""The schema id every spec declares in its ``schema`` key."""

Format = Literal["toml", "json", "yaml"]

RECORD_TYPES: dict[str, type[Any]] = {
    "places": Place,
    "grids": Grid,
    "bodies": Body,
    "people": Person,
    "posts": Post,
    "appointments": Appointment,
    "ties": Tie,
    "meetings": Meeting,
}
_TOP_KEYS = ("schema", "name", "name_zh", *RECORD_TYPES)
_SUFFIXES: dict[str, Format] = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def make_converter(*, dates: Literal["iso", "native"] = "iso") -> cattrs.Converter:
    """A converter for spec records, configured for one format.

    Parameters
    ----------
    dates
        ``"iso"`` writes dates as ``"2025-01-31"`` strings (JSON, YAML, plain
        mappings); ``"native"`` keeps ``datetime.date`` objects (TOML).

    Examples
    --------
    >>> from govmodel.model import Post, Role
    >>> c = make_converter()
    >>> c.unstructure(Post(id="post:a", role=Role.MEDIATOR, within="room:a", seats=3))
    {'id': 'post:a', 'role': 'mediator', 'in': 'room:a', 'seats': 3}
    >>> c.structure({"id": "post:a", "role": "mediator", "in": "room:a"}, Post).within
    'room:a'
    """
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    configure_strict(converter)
    converter.register_structure_hook(dt.date, strict_date)
    converter.register_structure_hook_func(_is_str_tuple, _strict_tuple(converter))
    if dates == "iso":
        converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    else:
        converter.register_unstructure_hook(dt.date, lambda d: d)
    converter.register_unstructure_hook(tuple, list)
    converter.register_unstructure_hook(StrEnum, lambda member: str(member.value))
    for record_type in RECORD_TYPES.values():
        overrides: dict[str, Any] = {
            field.name: override(rename=SPEC_FIELD[field.name])
            for field in attrs.fields(record_type)
            if field.name in SPEC_FIELD
        }
        converter.register_structure_hook(
            record_type,
            make_dict_structure_fn(
                record_type, converter, _cattrs_forbid_extra_keys=True, **overrides
            ),
        )
        converter.register_unstructure_hook(
            record_type,
            make_dict_unstructure_fn(
                record_type, converter, _cattrs_omit_if_default=True, **overrides
            ),
        )
    return converter


def _is_str_tuple(t: Any) -> bool:
    return get_origin(t) is tuple


def _strict_tuple(converter: cattrs.Converter) -> Callable[[object, Any], tuple[Any, ...]]:
    def hook(value: object, t: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise WrongTypeError("a list", value)
        (item_type, _) = get_args(t)
        structure_item = converter.get_structure_hook(item_type)
        items = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(structure_item(item, item_type))
            except Exception as err:  # noqa: BLE001 - collected and reported with its index
                err.add_note(f"@index {index}")
                errors.append(err)
        if errors:
            raise IterableValidationError("list items", errors, t)
        return tuple(items)

    return hook


_CONVERTERS: dict[str, cattrs.Converter] = {}


def _converter(dates: Literal["iso", "native"]) -> cattrs.Converter:
    if dates not in _CONVERTERS:
        _CONVERTERS[dates] = make_converter(dates=dates)
    return _CONVERTERS[dates]


# -- reading -----------------------------------------------------------------


def load(source: str | os.PathLike[str] | Mapping[str, Any], *, validate: bool = True) -> Structure:
    """Load a structure from a spec file (``.toml``, ``.json``, ``.yaml``) or a mapping.

    Parameters
    ----------
    source
        A path, or a mapping shaped like a parsed spec.
    validate
        Also run ``govmodel.validate`` and raise for its errors (warnings are
        not raised; ask ``govmodel.validate`` for them).

    Raises
    ------
    SpecError
        With every problem found, each with its location (``places[3].parent``).
    MissingExtraError
        For a YAML file when PyYAML is not installed.

    Examples
    --------
    >>> import govmodel
    >>> spec = {"schema": "govmodel/1", "name": "x",
    ...         "places": [{"id": "community:a", "kind": "community", "households": "many"},
    ...                    {"id": "compound:b", "kind": "compound", "parent": "community:z"}]}
    >>> try:
    ...     govmodel.load(spec)
    ... except govmodel.SpecError as err:
    ...     print(err)
    spec: cannot load (2 problems):
      places[0].households: expected an integer, found the string "many"
      places[1].parent: no place "community:z"
    """
    if isinstance(source, Mapping):
        return _load_mapping(source, where="spec", validate=validate)
    if not isinstance(source, str | os.PathLike):
        raise SpecError(
            "spec: cannot load",
            [
                SpecProblem(
                    "",
                    "wrong-type",
                    f"expected a path or a mapping, found {show(source)}",
                )
            ],
        )
    path = Path(source)
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SpecError(
            f"{_printable(str(path))}: cannot load",
            [
                SpecProblem(
                    "",
                    "unknown-format",
                    "expected a file ending in .toml, .json, .yaml or .yml, "
                    f"found {_printable(repr(path.name))}",
                )
            ],
        )
    where = _printable(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem("", "unreadable", f"cannot read the file: {err.strerror or err}")],
        ) from None
    except UnicodeDecodeError as err:
        raise SpecError(
            f"{where}: cannot load",
            [
                SpecProblem(
                    "", "unreadable", f"expected UTF-8 text: {err.reason} at byte {err.start}"
                )
            ],
        ) from None
    except ValueError:
        # A NUL or a lone surrogate in the path: no file system can name it.
        raise SpecError(
            f"{where}: cannot load",
            [
                SpecProblem(
                    "",
                    "unreadable",
                    "expected a path without NUL characters or lone surrogates",
                )
            ],
        ) from None
    return loads(text, format=fmt, where=where, validate=validate)


def _format_shown(value: object) -> str:
    if isinstance(value, str) and len(value) <= MAX_SHOWN:
        return _printable(repr(value))
    return show(value)


def _printable(text: str) -> str:
    """``text`` with control characters and lone surrogates as escapes, fit to print."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def loads(
    text: str,
    *,
    format: Format = "json",
    where: str = "spec",
    validate: bool = True,
) -> Structure:
    """Load a structure from spec text in ``format``: JSON (the default), TOML or YAML.

    Examples
    --------
    >>> import govmodel
    >>> text = '''
    ... schema = "govmodel/1"
    ... name = "tiny"
    ... [[places]]
    ... id = "community:a"
    ... kind = "community"
    ... '''
    >>> govmodel.loads(text, format="toml", validate=False).places()[0].id
    'community:a'
    """
    if format not in ("toml", "json", "yaml"):
        raise SpecError(
            f"{where}: cannot load",
            [
                SpecProblem(
                    "",
                    "unknown-format",
                    f'expected "toml", "json" or "yaml", found {_format_shown(format)}',
                )
            ],
        )
    if not isinstance(text, str):
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem("", "wrong-type", f"expected text (str), found {show(text)}")],
        )
    with paused():
        data = _parse(text, format, where)
        return _load_mapping(data, where=where, validate=validate)


def _parse(text: str, fmt: Format, where: str) -> object:
    if fmt == "yaml":
        yaml = _yaml("reading YAML specs")
    message: str
    at = surrogate_at(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        message = f"a lone surrogate, which UTF-8 cannot hold (line {line}, column {column})"
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem("", "syntax", f"not valid {fmt.upper()}: {message}")],
        )
    try:
        if fmt == "toml":
            return tomllib.loads(text)
        if fmt == "json":
            return read_json(text)
        if fmt == "yaml":
            return yaml.load(text, Loader=yaml_loader(yaml))
    except tomllib.TOMLDecodeError as err:
        message = str(err)
    except ReadProblem as err:
        message = str(err)
    except RecursionError:
        message = "nested too deeply"
    except ValueError:
        # tomllib turns digits into an int with int(), which refuses long ones.
        message = f"expected integers of at most {MAX_INT_DIGITS} digits, found a longer one"
    except Exception as err:
        if fmt != "yaml" or not isinstance(err, yaml.YAMLError):
            raise
        message = " ".join(str(err).split())
    raise SpecError(
        f"{where}: cannot load",
        [SpecProblem("", "syntax", f"not valid {fmt.upper()}: {message}")],
    )


def _yaml(purpose: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise MissingExtraError("PyYAML", "yaml", purpose) from None
    return yaml


def _load_mapping(data: object, *, where: str, validate: bool) -> Structure:
    problems: list[SpecProblem] = []
    if not isinstance(data, Mapping):
        raise SpecError(
            f"{where}: cannot load",
            [SpecProblem("", "wrong-type", f"expected a table of keys, found {show(data)}")],
        )
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(_unknown_key("", key))
    schema = data.get("schema")
    if schema is None:
        problems.append(
            SpecProblem("schema", "missing-key", f'missing key "schema" (expected "{SCHEMA}")')
        )
    elif schema != SCHEMA:
        problems.append(
            SpecProblem("schema", "unknown-value", f'expected "{SCHEMA}", found {show(schema)}')
        )
    names: dict[str, str] = {}
    for key in ("name", "name_zh"):
        value = data.get(key, "")
        try:
            names[key] = strict_str(value, str)
        except WrongTypeError as err:
            problems.append(SpecProblem(key, err.code, str(err)))
    with paused():
        return _load_records(data, names, problems, where=where, validate=validate)


def _load_records(
    data: Mapping[str, Any],
    names: dict[str, str],
    problems: list[SpecProblem],
    *,
    where: str,
    validate: bool,
) -> Structure:
    converter = _converter("iso")
    records: dict[str, list[Any]] = {}
    for list_name, record_type in RECORD_TYPES.items():
        raw_list = data.get(list_name, [])
        records[list_name] = []
        if not isinstance(raw_list, list):
            problems.append(
                SpecProblem(
                    list_name, "wrong-type", f"expected a list of tables, found {show(raw_list)}"
                )
            )
            continue
        structure_record = converter.get_structure_hook(record_type)
        for index, raw in enumerate(raw_list):
            if not isinstance(raw, Mapping):
                problems.append(
                    SpecProblem(
                        f"{list_name}[{index}]",
                        "wrong-type",
                        f"expected a table, found {show(raw)}",
                    )
                )
                records[list_name].append(None)
                continue
            try:
                records[list_name].append(
                    structure_record(raw if type(raw) is dict else dict(raw), record_type)
                )
            except Exception as err:  # noqa: BLE001 - every failure becomes a located problem
                problems.extend(_problems_of(err, f"{list_name}[{index}]", record_type))
                # Keep what can still be read, so its references are checked too.
                records[list_name].append(_RawRecord(raw, record_type))
    if problems:
        # Report the references of the records that were read beside the
        # problems found so far; when there were none, Structure() checks them.
        problems.extend(reference_problems(records))
        raise SpecError(f"{where}: cannot load", _in_order(problems))
    try:
        structure = Structure(
            name=names.get("name", ""), name_zh=names.get("name_zh", ""), **_lists(records)
        )
    except SpecError as err:
        raise SpecError(f"{where}: cannot load", _in_order(list(err.problems))) from None
    if validate:
        errors = [v for v in run_validation(structure) if v.severity is Severity.ERROR]
        if errors:
            raise SpecError(
                f"{where}: invalid structure",
                [SpecProblem(locate(structure, v), v.code, v.message) for v in errors],
            )
    return structure


def _lists(records: dict[str, list[Any]]) -> dict[str, Any]:
    return dict(records)


class _RawRecord:
    """The readable id and references of a record that failed to load.

    Only string values (and lists of strings) are kept; anything else was
    already reported as a problem of its own.
    """

    def __init__(self, raw: Mapping[str, Any], record_type: type[Any]) -> None:
        for field in attrs.fields(record_type):
            value = raw.get(SPEC_FIELD.get(field.name, field.name))
            wants_list = "tuple" in str(field.type)
            if isinstance(value, list) and wants_list:
                value = tuple(v for v in value if isinstance(v, str))
            elif not isinstance(value, str) or wants_list:
                value = None
            setattr(self, field.name, value)


def _in_order(problems: list[SpecProblem]) -> list[SpecProblem]:
    order = {name: i for i, name in enumerate(_TOP_KEYS)}

    def key(p: SpecProblem) -> tuple[int, int, str]:
        match = _RECORD_AT.match(p.location)
        if match is None:
            return (order.get(p.location.partition(".")[0], -1), -1, p.location)
        return (order.get(match["list"], -1), int(match["index"]), p.location)

    return sorted(problems, key=key)


# A record's location, ``places[3]...``: ASCII digits only ("²".isdigit() is true).
_RECORD_AT = re.compile(r"(?P<list>[a-z_]+)\[(?P<index>[0-9]{1,18})\]")


def _key_label(key: object) -> str:
    """A key as a location names it: the key itself, or what it is when not a string."""
    if isinstance(key, str):
        text = key if len(key) <= MAX_SHOWN else key[:MAX_SHOWN] + "…"
        return _printable(text)
    if type(key) is int and digits(key) <= 20:
        return int.__repr__(key)
    return f"<{show(key)}>"


def _unknown_key(location: str, key: object) -> SpecProblem:
    at = f"{location}.{_key_label(key)}" if location else _key_label(key)
    if isinstance(key, str):
        return SpecProblem(at, "unknown-key", f"unknown key {quoted(key)}")
    return SpecProblem(at, "unknown-key", f"unknown key {show(key)}; keys are strings")


def _sort_key(key: object) -> tuple[bool, str]:
    return (not isinstance(key, str), key if isinstance(key, str) else type(key).__name__)


_SINGULAR = {"domains": "domain"}
# People's names are personal data: a problem with them names the kind of value only.
_PERSONAL_AT = re.compile(r"people\[[0-9]+\]\.(name|name_zh)")


def _field_label(name: str) -> str:
    return SPEC_FIELD.get(name, name)


def _problems_of(err: BaseException, location: str, record_type: type[Any]) -> list[SpecProblem]:
    """Turn what cattrs or a record's own checks raised into located problems."""
    if isinstance(err, ClassValidationError):
        out: list[SpecProblem] = []
        with_notes, without = err.group_exceptions()
        for exc, note in with_notes:
            label = _field_label(note.name)
            field_type = _field_type(record_type, note.name)
            out.extend(_problems_of(exc, f"{location}.{label}", field_type))
        for exc in without:
            out.extend(_problems_of(exc, location, record_type))
        return out
    if isinstance(err, IterableValidationError):
        out = []
        for exc in err.exceptions:
            index = _index_note(exc)
            item_location = f"{location}[{index}]" if index is not None else location
            out.extend(_problems_of(exc, item_location, record_type))
        return out
    if isinstance(err, ForbiddenExtraKeysError):
        return [_unknown_key(location, key) for key in sorted(err.extra_fields, key=_sort_key)]
    if isinstance(err, KeyError):
        # cattrs reports a missing required key as a KeyError noted with the field.
        return [
            SpecProblem(location, "missing-key", f'missing key "{location.rsplit(".", 1)[-1]}"')
        ]
    if isinstance(err, WrongTypeError):
        field = location.rsplit(".", 1)[-1].split("[", 1)[0]
        field = _SINGULAR.get(field, field)
        if err.code == "unknown-value":
            return [
                SpecProblem(
                    location,
                    "unknown-value",
                    f"unknown {field} {show(err.found).removeprefix('the string ')}; "
                    f"expected {err.expected}",
                )
            ]
        if _PERSONAL_AT.fullmatch(location):
            return [SpecProblem(location, err.code, err.personal())]
        return [SpecProblem(location, err.code, str(err))]
    if isinstance(err, ValueError | TypeError) and attrs.has(record_type):
        # A record's own invariant ("households: expected a count of 0 or more").
        text = str(err)
        field, sep, message = text.partition(": ")
        names = {f.name for f in attrs.fields(record_type)}
        if sep and field in names:
            return [SpecProblem(f"{location}.{_field_label(field)}", "invalid-value", message)]
        if isinstance(err, TypeError) and "missing" in text:
            missing = [n for n in names if f"'{n}'" in text]
            return [
                SpecProblem(
                    f"{location}.{_field_label(n)}",
                    "missing-key",
                    f'missing key "{_field_label(n)}"',
                )
                for n in sorted(missing)
            ] or [SpecProblem(location, "invalid-value", text)]
        return [SpecProblem(location, "invalid-value", text)]
    return [SpecProblem(location, "invalid-value", str(err) or type(err).__name__)]


def _index_note(exc: BaseException) -> int | None:
    for note in getattr(exc, "__notes__", ()):
        index = getattr(note, "index", None)
        if isinstance(index, int):
            return index
        if isinstance(note, str) and note.startswith("@index "):
            return int(note.removeprefix("@index "))
    return None


def _field_type(record_type: type[Any], name: str) -> type[Any]:
    if not attrs.has(record_type):
        return record_type
    for field in attrs.fields(record_type):
        if field.name == name:
            hinted = field.type
            if isinstance(hinted, type):
                return hinted
    return record_type


# -- writing -----------------------------------------------------------------


def to_dict(structure: Structure) -> dict[str, Any]:
    """The spec of ``structure`` as plain values (dates as ISO strings).

    ``load(to_dict(s)) == s`` for every structure.

    Examples
    --------
    >>> import govmodel
    >>> from govmodel import examples
    >>> s = examples.load("zhuanqiao")
    >>> govmodel.load(govmodel.to_dict(s)) == s
    True
    """
    return _to_dict(structure, _converter("iso"))


def _to_dict(structure: Structure, converter: cattrs.Converter) -> dict[str, Any]:
    out: dict[str, Any] = {"schema": SCHEMA}
    if structure.name:
        out["name"] = structure.name
    if structure.name_zh:
        out["name_zh"] = structure.name_zh
    with paused():
        for list_name, records in structure.records().items():
            if records:
                unstructure = converter.get_unstructure_hook(RECORD_TYPES[list_name])
                out[list_name] = [unstructure(r) for r in records]
    return out


def dumps(structure: Structure, *, format: Format = "json") -> str:
    """The spec of ``structure`` as text in ``format``: JSON unless asked otherwise.

    Raises
    ------
    SpecError
        For a format other than ``"toml"``, ``"json"`` or ``"yaml"``, or a
        structure built in Python that holds what no UTF-8 file can (a lone
        surrogate, an integer of more than 4300 digits), with its location.
    MissingExtraError
        For YAML when PyYAML is not installed.

    Examples
    --------
    >>> import govmodel
    >>> from govmodel import examples
    >>> s = examples.load("lianhua")
    >>> govmodel.dumps(s).splitlines()[:2]
    ['{', '  "schema": "govmodel/1",']
    >>> govmodel.loads(govmodel.dumps(s)) == s
    True
    >>> all(govmodel.loads(govmodel.dumps(s, format=f), format=f) == s
    ...     for f in ("toml", "json", "yaml"))
    True
    """
    if format not in ("toml", "json", "yaml"):
        raise SpecError(
            "spec: cannot write",
            [
                SpecProblem(
                    "format",
                    "unknown-format",
                    f'expected "toml", "json" or "yaml", found {_format_shown(format)}',
                )
            ],
        )
    try:
        text: str | None = _dumps(structure, format)
    except (ValueError, UnicodeEncodeError):
        # An integer too long to write, or a lone surrogate YAML cannot emit.
        text = None
    if text is None or surrogate_at(text) is not None:
        raise SpecError("spec: cannot write", [_unwritable(to_dict(structure))])
    return text


def _dumps(structure: Structure, format: Format) -> str:
    if format == "toml":
        import tomli_w

        return tomli_w.dumps(_to_dict(structure, _converter("native")))
    if format == "json":
        return _json_text(to_dict(structure)) + "\n"
    yaml = _yaml("writing YAML specs")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(to_dict(structure), Dumper=dumper, allow_unicode=True, sort_keys=False)
    return text


def _unwritable(spec: dict[str, Any]) -> SpecProblem:
    """The first value of a spec no UTF-8 file can hold, located.

    A structure built in Python can hold what no loader would have let in:
    a lone surrogate in a name, an integer of more than 4300 digits.
    """
    stack: list[tuple[str, object]] = [("", spec)]
    while stack:
        location, value = stack.pop(0)
        if isinstance(value, dict):
            stack[:0] = [(f"{location}.{k}" if location else k, v) for k, v in value.items()]
        elif isinstance(value, list):
            stack[:0] = [(f"{location}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, str) and surrogate_at(value) is not None:
            personal = _PERSONAL_AT.fullmatch(location) is not None
            found = "a string with one" if personal else show(value)
            message = f"expected {NO_SURROGATES}, found {found}"
            return SpecProblem(location, "invalid-value", message)
        elif type(value) is int and digits(value) > MAX_INT_DIGITS:
            return SpecProblem(
                location,
                "invalid-value",
                f"expected an integer of at most {MAX_INT_DIGITS} digits, found {show(value)}",
            )
    return SpecProblem("", "invalid-value", "expected values a UTF-8 file can hold")


# What json.dumps(ensure_ascii=False) encodes strings with: C code when available.
_encode_str: Callable[[str], str] = json.encoder.encode_basestring


def _json_text(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, written faster for specs.

    With an indent, the standard library encodes in pure Python; a spec of a
    hundred thousand records took most of ``dumps`` that way. This writer
    builds the same text from C-encoded strings, character for character
    (a test compares the two), and hands anything other than tables, lists,
    strings, whole numbers, booleans and null to ``json.dumps``.

    Examples
    --------
    >>> import json
    >>> spec = {"schema": "govmodel/1", "places": [{"id": "c:a", "covers": []}]}
    >>> _json_text(spec) == json.dumps(spec, ensure_ascii=False, indent=2)
    True
    >>> print(_json_text({"name_zh": "新河社区", "ids": ["a", "b"]}))
    {
      "name_zh": "新河社区",
      "ids": [
        "a",
        "b"
      ]
    }
    """
    return _json(value, "\n")


def _json(value: object, newline: str) -> str:
    # ``newline`` is the line break and indent of ``value``'s own closing bracket.
    if type(value) is str:
        return _encode_str(value)
    if type(value) is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline)
            if type(item) is str:
                parts.append(f"{inner}{_encode_str(key)}: {_encode_str(item)}")
            else:
                parts.append(f"{inner}{_encode_str(key)}: {_json(item, inner)}")
        return "{" + ",".join(parts) + newline + "}"
    if type(value) is list:
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + ",".join(inner + _json(item, inner) for item in value) + newline + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline)


def dump(structure: Structure, path: str | os.PathLike[str]) -> None:
    """Write the spec of ``structure`` to ``path``; the suffix picks the format.

    Raises
    ------
    SpecError
        For a path that does not end in ``.toml``, ``.json``, ``.yaml`` or ``.yml``,
        or a structure ``dumps`` refuses: nothing is written. For a file that
        cannot be written (code ``unwritable``).

    Examples
    --------
    >>> import tempfile, pathlib, govmodel
    >>> from govmodel import examples
    >>> s = examples.load("shagangwan")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = pathlib.Path(d) / "shagangwan.json"
    ...     govmodel.dump(s, path)
    ...     govmodel.load(path) == s
    True
    """
    target = Path(path)
    fmt = _SUFFIXES.get(target.suffix.lower())
    if fmt is None:
        raise SpecError(
            f"{target}: cannot write",
            [
                SpecProblem(
                    "path",
                    "unknown-format",
                    f"expected a file ending in .toml, .json, .yaml or .yml, found {target.name!r}",
                )
            ],
        )
    text = dumps(structure, format=fmt)
    try:
        target.write_text(text, encoding="utf-8")
    except (OSError, ValueError) as err:
        # ValueError: a NUL in the path.
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "a bad path"
        raise SpecError(
            f"{_printable(str(target))}: cannot write",
            [SpecProblem("path", "unwritable", f"cannot write the file: {reason}")],
        ) from None
