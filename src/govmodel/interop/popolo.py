"""Popolo JSON: a structure as organizations, areas, posts, persons and memberships.

`Popolo <https://www.popoloproject.com/>`_ is the open-government data
standard for people, organisations, posts and memberships. ``to_popolo``
writes a structure as one Popolo JSON document and ``from_popolo`` reads it
back: ``from_popolo(to_popolo(s, include_personal=True, reader=BACK_OFFICE)) == s``
for every valid structure (every structure with ``validate=False``), and
``from_popolo(to_popolo(s)) == s`` for one whose people have no names.

Mapping
-------
=========================== ==================================================
govmodel                    Popolo
=========================== ==================================================
Place                       an area; ``kind`` → ``classification``
                            (``"compound"``), ``parent`` → ``parent_id``
Grid                        an area too: a grid is a territory cut for
                            management (网格); ``level`` → ``classification``
                            ``"grid:<level>"`` (``"grid:micro"``), ``parent`` →
                            ``parent_id`` (the parent grid)
Body                        an organization; ``kind`` → ``classification``,
                            ``parent`` → ``parent_id``, the first place of
                            ``jurisdiction`` → ``area_id``
Person                      a person; ``name`` → ``name`` (personal data)
Post                        a post; ``role`` → ``role``, ``name`` → ``label``,
                            ``name_zh`` → ``other_label``; ``within`` →
                            ``organization_id`` for a body, ``area_id`` for a
                            grid
Appointment                 a membership, one per appointment: ``person`` →
                            ``person_id``, ``post`` → ``post_id``, ``start`` /
                            ``end`` → ``start_date`` / ``end_date``, and the
                            post's body (``organization_id``) or grid
                            (``area_id``)
``name``                    ``name`` (``label`` for a post)
``name_zh``                 ``other_names``: ``[{"lang": "zh", "name": …}]``
                            (``other_label`` for a post; ``area.json``
                            declares no ``other_names``, and accepts it)
=========================== ==================================================

What Popolo has no field for goes under a ``"govmodel"`` key. The Popolo
schemas (JSON Schema draft 3) leave additional properties open, so the output
stays valid:

* on an area: ``households``, ``residents``, ``title``, ``old``,
  ``residential`` of a place; ``covers`` of a grid;
* on an organization: ``serves``, ``grid``, ``domains``, and the whole
  ``jurisdiction`` when a body answers for more than one place (``area_id``
  is then its first place);
* on a post: ``seats``; on a person: ``party_member``;
* on the document: ``format`` (``"govmodel-popolo/1"``), the structure's
  ``name`` and ``name_zh``, ``ties`` and ``meetings`` (records as a spec
  writes them).

Only values that differ from govmodel's defaults are written.

Personal data
-------------
People's names (``name``, ``name_zh``) are written only with
``include_personal=True``, for a named ``reader``: ``BACK_OFFICE``, a body,
grid or post of the structure, or a person holding a post at ``at`` (see
``govmodel.rules.access.check_reader``); person ids and ``party_member`` are
always written.

Importing
---------
``from_popolo`` reads what ``to_popolo`` writes and nothing else: an unknown
key, an unknown classification, a reference to nothing, a value of the wrong
type or a derived field that disagrees (a membership's ``organization_id``
that is not its post's) raises ``govmodel.errors.InteropError`` with the location
(``organizations[3].classification``) and what was expected and found. Nothing
is silently dropped. Popolo's ``null`` counts as absent. The structure read is
validated as ``govmodel.load`` validates a spec (places in a cycle are
refused), and a person's values are never quoted in a message.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.interop.popolo import from_popolo, to_popolo
>>> s = examples.load("xinhe")
>>> doc = to_popolo(s)
>>> sorted(doc)
['areas', 'govmodel', 'memberships', 'organizations', 'persons', 'posts']
>>> from_popolo(doc) == s
True
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from govmodel._reading import ReadProblem, read_json
from govmodel._strict import (
    MAX_INT_DIGITS,
    NO_SURROGATES,
    digits,
    kind_of,
    quoted,
    surrogate_at,
)
from govmodel.errors import InteropError, SpecError
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Domain,
    Frequency,
    Grid,
    GridLevel,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Role,
    Tie,
    TieKind,
)
from govmodel.rules.access import Moment, Reader, check_reader
from govmodel.structure import Structure
from govmodel.validation import Severity, locate
from govmodel.validation import validate as run_validation

__all__ = ["FORMAT", "dumps_popolo", "from_popolo", "loads_popolo", "to_popolo"]

FORMAT = "govmodel-popolo/1"
"""The ``format`` the ``"govmodel"`` key of an exported document declares."""

_EXT = "govmodel"
_GRID_PREFIX = "grid:"
_LANG_ZH = "zh"
_E = TypeVar("_E", bound=StrEnum)


# -- export ---------------------------------------------------------------------


def to_popolo(
    structure: Structure,
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> dict[str, Any]:
    """A structure as a Popolo JSON document (plain dicts and lists).

    Parameters
    ----------
    structure
        The structure to export.
    include_personal
        Write people's names (``name`` and ``name_zh``). Off by default: the
        persons then carry their ids and party membership only.
    reader
        Who the names are for, required with ``include_personal``:
        ``BACK_OFFICE``, or a body, grid, post or person of the structure.
    at
        The moment a person ``reader`` is judged at: it must hold a post then
        (an aware date-time is read in the default policy's time zone).

    Raises
    ------
    govmodel.ReaderRequired
        ``include_personal`` without a ``reader`` (or a person without ``at``).
    govmodel.UnknownNodeError
        A ``reader`` that is no actor of the structure.
    govmodel.AccessDenied
        A person ``reader`` who holds no post at ``at``.

    Returns
    -------
    dict
        Keys ``"areas"`` (places, then grids), ``"organizations"`` (bodies),
        ``"persons"``, ``"posts"``, ``"memberships"`` (one per appointment)
        and ``"govmodel"`` (what Popolo has no field for); ready for
        ``json.dumps``.

    Examples
    --------
    >>> from govmodel import examples
    >>> doc = to_popolo(examples.load("xinhe"))
    >>> doc["areas"][1]
    {'id': 'community:xinhe', 'classification': 'community', 'name': 'Xinhe community', \
'other_names': [{'lang': 'zh', 'name': '新河社区'}], 'parent_id': 'street:xinhua'}
    >>> for m in doc["memberships"][:2]:  # the secretary also leads the community grid
    ...     print(m)
    {'person_id': 'person:secretary', 'post_id': 'post:party-secretary', \
'organization_id': 'party:xinhe', 'start_date': '2025-01-01'}
    {'person_id': 'person:secretary', 'post_id': 'post:grid-xinhe-leader', \
'area_id': 'grid:xinhe', 'start_date': '2025-01-01'}
    >>> doc["persons"][0]  # no name unless include_personal=True
    {'id': 'person:secretary', 'govmodel': {'party_member': True}}
    >>> named = to_popolo(examples.load("xinhe"), include_personal=True, reader="rc:xinhe")
    >>> to_popolo(examples.load("xinhe"), include_personal=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    govmodel.rules.access.ReaderRequired: to_popolo: personal data need a reader: ...
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="to_popolo")
    records = structure.records()
    grid_ids = frozenset(grid.id for grid in records["grids"])
    posts: tuple[Post, ...] = records["posts"]
    within = {post.id: post.within for post in posts}
    document: dict[str, Any] = {
        _EXT: _document_extension(structure, records["ties"], records["meetings"]),
        "areas": [
            *(_place_area(place) for place in records["places"]),
            *(_grid_area(grid) for grid in records["grids"]),
        ],
        "organizations": [_organization(body) for body in records["bodies"]],
        "persons": [_person(person, include_personal) for person in records["people"]],
        "posts": [_post(post, grid_ids) for post in posts],
        "memberships": [
            _membership(appointment, within[appointment.post], grid_ids)
            for appointment in records["appointments"]
        ],
    }
    return document


def dumps_popolo(
    structure: Structure,
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> str:
    """A structure as Popolo JSON text (UTF-8, Chinese kept as is, indented).

    Parameters
    ----------
    structure
        The structure to export.
    include_personal, reader, at
        Write people's names, for whom, judged when; see ``to_popolo``.

    Examples
    --------
    >>> from govmodel import examples
    >>> text = dumps_popolo(examples.load("xinhe"))
    >>> '"classification": "grid:micro"' in text, "新河社区" in text
    (True, True)
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="dumps_popolo")
    document = to_popolo(structure, include_personal=include_personal, reader=reader, at=at)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _names(name: str, name_zh: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if name:
        fields["name"] = name
    if name_zh:
        fields["other_names"] = [{"lang": _LANG_ZH, "name": name_zh}]
    return fields


def _with_extension(fields: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    if extension:
        fields[_EXT] = extension
    return fields


def _place_area(place: Place) -> dict[str, Any]:
    area: dict[str, Any] = {"id": place.id, "classification": place.kind.value}
    area.update(_names(place.name, place.name_zh))
    if place.parent is not None:
        area["parent_id"] = place.parent
    extension: dict[str, Any] = {}
    if place.households is not None:
        extension["households"] = place.households
    if place.residents is not None:
        extension["residents"] = place.residents
    if not place.title:
        extension["title"] = False
    if place.old:
        extension["old"] = True
    if not place.residential:
        extension["residential"] = False
    return _with_extension(area, extension)


def _grid_area(grid: Grid) -> dict[str, Any]:
    area: dict[str, Any] = {"id": grid.id, "classification": _GRID_PREFIX + grid.level.value}
    area.update(_names(grid.name, grid.name_zh))
    if grid.parent is not None:
        area["parent_id"] = grid.parent
    extension: dict[str, Any] = {}
    if grid.covers:
        extension["covers"] = list(grid.covers)
    return _with_extension(area, extension)


def _organization(body: Body) -> dict[str, Any]:
    organization: dict[str, Any] = {"id": body.id, "classification": body.kind.value}
    organization.update(_names(body.name, body.name_zh))
    if body.parent is not None:
        organization["parent_id"] = body.parent
    if body.jurisdiction:
        organization["area_id"] = body.jurisdiction[0]
    extension: dict[str, Any] = {}
    if len(body.jurisdiction) > 1:
        extension["jurisdiction"] = list(body.jurisdiction)
    if body.serves:
        extension["serves"] = list(body.serves)
    if body.grid is not None:
        extension["grid"] = body.grid
    if body.domains is not None:
        extension["domains"] = [domain.value for domain in body.domains]
    return _with_extension(organization, extension)


def _person(person: Person, include_personal: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": person.id}
    if include_personal:
        fields.update(_names(person.name, person.name_zh))
    return _with_extension(fields, {"party_member": True} if person.party_member else {})


def _post(post: Post, grid_ids: frozenset[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": post.id, "role": post.role.value}
    if post.name:
        fields["label"] = post.name
    if post.name_zh:
        fields["other_label"] = [post.name_zh]
    fields["area_id" if post.within in grid_ids else "organization_id"] = post.within
    return _with_extension(fields, {"seats": post.seats} if post.seats != 1 else {})


def _membership(appointment: Appointment, within: str, grid_ids: frozenset[str]) -> dict[str, Any]:
    membership: dict[str, Any] = {"person_id": appointment.person, "post_id": appointment.post}
    membership["area_id" if within in grid_ids else "organization_id"] = within
    membership["start_date"] = appointment.start.isoformat()
    if appointment.end is not None:
        membership["end_date"] = appointment.end.isoformat()
    return membership


def _spec_names(name: str, name_zh: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if name:
        fields["name"] = name
    if name_zh:
        fields["name_zh"] = name_zh
    return fields


def _tie(tie: Tie) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": tie.kind.value, "source": tie.source, "target": tie.target}
    if tie.start is not None:
        fields["start"] = tie.start.isoformat()
    fields.update(_spec_names(tie.name, tie.name_zh))
    return fields


def _meeting(meeting: Meeting) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": meeting.id, "convener": meeting.convener}
    if meeting.members:
        fields["members"] = list(meeting.members)
    if meeting.place is not None:
        fields["place"] = meeting.place
    if meeting.frequency is not Frequency.AS_NEEDED:
        fields["frequency"] = meeting.frequency.value
    if meeting.day_of_month is not None:
        fields["day_of_month"] = meeting.day_of_month
    fields.update(_spec_names(meeting.name, meeting.name_zh))
    return fields


def _document_extension(
    structure: Structure, ties: Iterable[Tie], meetings: Iterable[Meeting]
) -> dict[str, Any]:
    extension: dict[str, Any] = {"format": FORMAT}
    extension.update(_spec_names(structure.name, structure.name_zh))
    tie_list = [_tie(tie) for tie in ties]
    if tie_list:
        extension["ties"] = tie_list
    meeting_list = [_meeting(meeting) for meeting in meetings]
    if meeting_list:
        extension["meetings"] = meeting_list
    return extension


# -- import ---------------------------------------------------------------------


def from_popolo(data: Mapping[str, object], *, validate: bool = True) -> Structure:
    """The structure a Popolo JSON document written by ``to_popolo`` describes.

    Parameters
    ----------
    data
        A Popolo document as plain dicts and lists (``json.load`` output).
        Every top-level list may be missing (no records of that kind).
    validate
        Also run ``govmodel.validate`` and raise for its errors, as
        ``govmodel.load`` does: places in a cycle, a grid gap, a tie between
        the wrong kinds of body. Pass ``False`` to import such a structure and
        inspect it.

    Returns
    -------
    Structure
        ``from_popolo(to_popolo(s, include_personal=True, reader=BACK_OFFICE)) == s``.

    Raises
    ------
    govmodel.errors.InteropError
        For anything that cannot be mapped onto govmodel's records, with its
        location (``organizations[3].classification``) and what was expected
        and found; for a structure that breaks a whole-structure rule, with
        the record at fault (``areas[2]``). A person's name or other personal
        value is never quoted: the message names the field and the kind of
        value found.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("chengxi")
    >>> from_popolo(to_popolo(s)) == s
    True
    >>> from_popolo({"organizations": [{"id": "x", "classification": "charity"}]})
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: organizations[0].classification: expected one of \
"party_working_committee", ..., found "charity"
    """
    structure = _Importer().run(data)
    if validate:
        _refuse_invalid(structure)
    return structure


_WHERE_IN_POPOLO = {
    "bodies": "organizations",
    "people": "persons",
    "posts": "posts",
    "appointments": "memberships",
    "ties": f"{_EXT}.ties",
    "meetings": f"{_EXT}.meetings",
}


def _refuse_invalid(structure: Structure) -> None:
    """Raise for the errors of ``govmodel.validate``, located in the document."""
    errors = [v for v in run_validation(structure) if v.severity is Severity.ERROR]
    if not errors:
        return
    places = len(structure.places())
    problems = []
    for violation in errors:
        location = locate(structure, violation)
        head, _, rest = location.partition("[")
        if head == "places":
            location = f"areas[{rest}"
        elif head == "grids":
            index, _, tail = rest.partition("]")
            location = f"areas[{int(index) + places}]{tail}"
        elif head in _WHERE_IN_POPOLO:
            location = f"{_WHERE_IN_POPOLO[head]}[{rest}"
        problems.append((location, f"{violation.message} ({violation.code})"))
    if len(problems) == 1:
        raise InteropError(*problems[0])
    raise InteropError(
        "",
        f"expected a valid structure, found {len(problems)} problems:\n  "
        + "\n  ".join(f"{where}: {message}" for where, message in problems),
    )


def loads_popolo(text: str, *, validate: bool = True) -> Structure:
    """The structure of a Popolo JSON text written by ``dumps_popolo``.

    Raises
    ------
    govmodel.errors.InteropError
        For text that is not JSON (with line and column), a key repeated in
        one JSON object, an integer of more than 4300 digits, lists and
        objects nested more than 100 deep, or anything ``from_popolo``
        refuses (``validate`` is passed on to it).

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("lianhua")
    >>> loads_popolo(dumps_popolo(s)) == s
    True
    >>> loads_popolo('{"areas": [}')
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: expected JSON text, found a syntax error at line 1 column 12: \
Expecting value
    """
    if not isinstance(text, str):
        raise InteropError("", f"expected JSON text (str), found {_show(text)}")
    try:
        data = read_json(text)
    except ReadProblem as err:
        if err.line is None:
            raise InteropError("", err.message) from None
        raise InteropError(
            "",
            f"expected JSON text, found a syntax error at line {err.line} column "
            f"{err.column}: {err.message}",
        ) from None
    if not isinstance(data, Mapping):
        raise InteropError("", f"expected a Popolo document (a JSON object), found {_show(data)}")
    return from_popolo(data, validate=validate)


def _show(value: object, *, personal: bool = False) -> str:
    if personal:
        return "null" if value is None else kind_of(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, int):
        count = digits(value)
        return f"the number {value}" if count <= 20 else f"an integer of {count:,} digits"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _choices(values: Iterable[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Object:
    """One JSON object being read: where it is and which keys were taken."""

    def __init__(self, raw: object, where: str, what: str, *, personal: bool = False) -> None:
        if not isinstance(raw, Mapping):
            raise InteropError(
                where, f"expected {what} (an object), found {_show(raw, personal=personal)}"
            )
        for key in raw:
            if not isinstance(key, str):
                raise InteropError(
                    where, f"expected string keys, found the key {_show(key, personal=personal)}"
                )
        self.raw: Mapping[str, object] = raw
        self.where = where
        self.what = what
        self.taken: set[str] = set()
        # A person's values are personal data: messages name their kind only.
        self.personal = personal

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def show(self, value: object) -> str:
        return _show(value, personal=self.personal)

    def get(self, key: str) -> object:
        self.taken.add(key)
        return self.raw.get(key)

    def required_str(self, key: str) -> str:
        if key not in self.raw:
            raise InteropError(self.at(key), f'expected a string, found no "{key}" key')
        value = self.get(key)
        if not isinstance(value, str):
            raise InteropError(self.at(key), f"expected a string, found {self.show(value)}")
        return self.text(self.at(key), value)

    def optional_str(self, key: str) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InteropError(self.at(key), f"expected a string, found {self.show(value)}")
        return self.text(self.at(key), value)

    def text(self, where: str, value: str) -> str:
        """``value``, unless it holds a lone surrogate, which no output could write."""
        if not value.isascii() and surrogate_at(value) is not None:
            raise InteropError(where, f"expected {NO_SURROGATES}, found {self.show(value)}")
        return value

    def optional_int(self, key: str) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InteropError(self.at(key), f"expected an integer, found {self.show(value)}")
        if digits(value) > MAX_INT_DIGITS:
            raise InteropError(
                self.at(key),
                f"expected an integer of at most {MAX_INT_DIGITS} digits, found {self.show(value)}",
            )
        return value

    def optional_bool(self, key: str) -> bool | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise InteropError(self.at(key), f"expected true or false, found {self.show(value)}")
        return value

    def items(self, key: str) -> list[tuple[str, object]]:
        """The items of the list under ``key`` with their locations; none when absent."""
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            raise InteropError(self.at(key), f"expected a list, found {self.show(value)}")
        return [(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]

    def str_list(self, key: str) -> list[tuple[str, str]] | None:
        if self.get(key) is None:
            return None
        result: list[tuple[str, str]] = []
        for where, item in self.items(key):
            if not isinstance(item, str):
                raise InteropError(where, f"expected a string, found {self.show(item)}")
            result.append((where, self.text(where, item)))
        return result

    def choice(self, key: str, enum: type[_E]) -> _E:
        if key not in self.raw:
            raise InteropError(
                self.at(key), f'expected one of {_choices(enum)}, found no "{key}" key'
            )
        return self._enum(key, self.required_str(key), enum)

    def optional_choice(self, key: str, enum: type[_E]) -> _E | None:
        value = self.optional_str(key)
        return None if value is None else self._enum(key, value, enum)

    def _enum(self, key: str, value: str, enum: type[_E]) -> _E:
        try:
            return enum(value)
        except ValueError:
            raise InteropError(
                self.at(key), f"expected one of {_choices(enum)}, found {self.show(value)}"
            ) from None

    def date(self, key: str) -> dt.date:
        if key not in self.raw:
            raise InteropError(self.at(key), f'expected a date YYYY-MM-DD, found no "{key}" key')
        return self._date(key, self.required_str(key))

    def optional_date(self, key: str) -> dt.date | None:
        value = self.optional_str(key)
        return None if value is None else self._date(key, value)

    def _date(self, key: str, value: str) -> dt.date:
        if not _DATE.fullmatch(value):
            raise InteropError(
                self.at(key),
                "expected a full date YYYY-MM-DD (govmodel needs the day), "
                f"found {self.show(value)}",
            )
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InteropError(
                self.at(key), f"expected a date that exists, found {self.show(value)}"
            ) from None

    def sub(self, key: str, what: str) -> _Object | None:
        value = self.get(key)
        return None if value is None else _Object(value, self.at(key), what, personal=self.personal)

    def finish(self) -> None:
        """Raise for the first key nothing took: govmodel cannot map it."""
        for key in self.raw:
            if key not in self.taken:
                raise InteropError(
                    self.at(key),
                    f"expected only the keys {_choices(sorted(self.taken))} in {self.what}, "
                    f"found {quoted(key)}, which govmodel cannot map",
                )


# Where a record's own checks (ValueError "field: message") point in Popolo.
# Ties and meetings keep their spec field names.
_FIELD_AT: dict[type[Any], dict[str, str]] = {
    Place: {"households": f"{_EXT}.households", "residents": f"{_EXT}.residents"},
    Grid: {"covers": f"{_EXT}.covers"},
    Body: {
        "serves": f"{_EXT}.serves",
        "jurisdiction": f"{_EXT}.jurisdiction",
        "domains": f"{_EXT}.domains",
    },
    Post: {"seats": f"{_EXT}.seats"},
    Appointment: {"person": "person_id", "post": "post_id", "end": "end_date"},
}

_R = TypeVar("_R")


def _build(record_type: type[_R], where: str, **fields: Any) -> _R:
    try:
        return record_type(**fields)
    except ValueError as err:
        field, _, message = str(err).partition(": ")
        field = _FIELD_AT.get(record_type, {}).get(field, field)
        raise InteropError(f"{where}.{field}", message) from None


class _Importer:
    """Reads one document; keeps every id and reference with its location."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}
        self.first_seen: dict[str, str] = {}
        # (location, referenced id, the record types it may name)
        self.references: list[tuple[str, str, frozenset[str]]] = []
        self.ties_seen: dict[tuple[TieKind, str, str], str] = {}

    def declare(self, record_id: str, record_type: str, where: str) -> None:
        if record_id in self.first_seen:
            raise InteropError(
                where,
                f'expected an id used once in the document, found "{record_id}" '
                f"already used at {self.first_seen[record_id]}",
            )
        self.first_seen[record_id] = where
        self.types[record_id] = record_type

    def refer(self, where: str, ref: str | None, *allowed: str) -> None:
        if ref is not None:
            self.references.append((where, ref, frozenset(allowed)))

    def refer_all(self, refs: list[tuple[str, str]] | None, *allowed: str) -> tuple[str, ...]:
        for where, ref in refs or ():
            self.refer(where, ref, *allowed)
        return tuple(ref for _, ref in refs or ())

    def run(self, data: Mapping[str, object]) -> Structure:
        top = _Object(data, "", "a Popolo document")
        extension = top.sub(_EXT, "the govmodel extension")
        name, name_zh = "", ""
        ties: list[Tie] = []
        meetings: list[Meeting] = []
        places: list[Place] = []
        grids: list[Grid] = []
        for where, raw in top.items("areas"):
            area = self.area(_Object(raw, where, "an area"), where)
            if isinstance(area, Grid):
                grids.append(area)
            else:
                places.append(area)
        bodies = [self.organization(w, raw) for w, raw in top.items("organizations")]
        people = [self.person(w, raw) for w, raw in top.items("persons")]
        posts = [self.post(w, raw) for w, raw in top.items("posts")]
        raw_memberships = top.items("memberships")
        if extension is not None:
            found = extension.required_str("format")
            if found != FORMAT:
                raise InteropError(
                    extension.at("format"), f'expected "{FORMAT}", found {_show(found)}'
                )
            name = extension.optional_str("name") or ""
            name_zh = extension.optional_str("name_zh") or ""
            ties = [self.tie(w, raw) for w, raw in extension.items("ties")]
            meetings = [self.meeting(w, raw) for w, raw in extension.items("meetings")]
            extension.finish()
        top.finish()
        self.check_references()
        within = {post.id: post.within for post in posts}
        appointments = [self.membership(w, raw, within) for w, raw in raw_memberships]
        self.check_references()
        try:
            return Structure(
                name=name,
                name_zh=name_zh,
                places=places,
                grids=grids,
                bodies=bodies,
                people=people,
                posts=posts,
                appointments=appointments,
                ties=ties,
                meetings=meetings,
            )
        except SpecError as err:  # pragma: no cover - every check it makes was made above
            raise InteropError("", str(err)) from None

    def check_references(self) -> None:
        for where, ref, allowed in self.references:
            found = self.types.get(ref)
            wanted = " or ".join(sorted(allowed))
            if found is None:
                raise InteropError(
                    where, f'expected the id of a {wanted}, found no such id "{ref}"'
                )
            if found not in allowed:
                raise InteropError(
                    where, f'expected the id of a {wanted}, found the {found} "{ref}"'
                )
        self.references.clear()

    def zh_name(self, obj: _Object) -> str:
        name_zh = ""
        for index, (where, raw) in enumerate(obj.items("other_names")):
            other = _Object(raw, where, "an other name", personal=obj.personal)
            lang = other.required_str("lang")
            if lang != _LANG_ZH:
                raise InteropError(
                    other.at("lang"),
                    f'expected "{_LANG_ZH}" (govmodel keeps one other name, in Chinese), '
                    f"found {other.show(lang)}",
                )
            if index > 0:
                raise InteropError(where, "expected one Chinese name, found a second")
            name_zh = other.required_str("name")
            other.finish()
        return name_zh

    def area(self, obj: _Object, where: str) -> Place | Grid:
        area_id = obj.required_str("id")
        classification = obj.required_str("classification")
        name = obj.optional_str("name") or ""
        name_zh = self.zh_name(obj)
        parent = obj.optional_str("parent_id")
        extension = obj.sub(_EXT, "the govmodel extension of an area")
        record: Place | Grid
        if classification.startswith(_GRID_PREFIX):
            level = classification.removeprefix(_GRID_PREFIX)
            if level not in {g.value for g in GridLevel}:
                raise InteropError(
                    obj.at("classification"),
                    f"expected one of {_choices(_area_classifications())}, "
                    f"found {_show(classification)}",
                )
            self.declare(area_id, "grid", obj.at("id"))
            self.refer(obj.at("parent_id"), parent, "grid")
            covers = extension.str_list("covers") if extension is not None else None
            record = _build(
                Grid,
                where,
                id=area_id,
                level=GridLevel(level),
                parent=parent,
                covers=self.refer_all(covers, "place"),
                name=name,
                name_zh=name_zh,
            )
        else:
            if classification not in {k.value for k in PlaceKind}:
                raise InteropError(
                    obj.at("classification"),
                    f"expected one of {_choices(_area_classifications())}, "
                    f"found {_show(classification)}",
                )
            self.declare(area_id, "place", obj.at("id"))
            self.refer(obj.at("parent_id"), parent, "place")
            fields: dict[str, Any] = {}
            if extension is not None:
                for key in ("households", "residents"):
                    count = extension.optional_int(key)
                    if count is not None:
                        fields[key] = count
                for key in ("title", "old", "residential"):
                    flag = extension.optional_bool(key)
                    if flag is not None:
                        fields[key] = flag
            record = _build(
                Place,
                where,
                id=area_id,
                kind=PlaceKind(classification),
                parent=parent,
                name=name,
                name_zh=name_zh,
                **fields,
            )
        if extension is not None:
            extension.finish()
        obj.finish()
        return record

    def organization(self, where: str, raw: object) -> Body:
        obj = _Object(raw, where, "an organization")
        body_id = obj.required_str("id")
        kind = obj.choice("classification", BodyKind)
        name = obj.optional_str("name") or ""
        name_zh = self.zh_name(obj)
        parent = obj.optional_str("parent_id")
        area = obj.optional_str("area_id")
        self.declare(body_id, "body", obj.at("id"))
        self.refer(obj.at("parent_id"), parent, "body")
        jurisdiction: tuple[str, ...] = () if area is None else (area,)
        self.refer(obj.at("area_id"), area, "place")
        fields: dict[str, Any] = {}
        extension = obj.sub(_EXT, "the govmodel extension of an organization")
        if extension is not None:
            listed = extension.str_list("jurisdiction")
            if listed is not None:
                jurisdiction = self.refer_all(listed, "place")
                expected = jurisdiction[0] if jurisdiction else None
                if area != expected:
                    raise InteropError(
                        obj.at("area_id"),
                        f"expected the first place of {extension.at('jurisdiction')}, "
                        f"{_show(expected)}, found {_show(area)}",
                    )
            fields["serves"] = self.refer_all(extension.str_list("serves"), "place")
            grid = extension.optional_str("grid")
            self.refer(extension.at("grid"), grid, "grid")
            fields["grid"] = grid
            domains = extension.str_list("domains")
            if domains is not None:
                fields["domains"] = tuple(_domain(w, d) for w, d in domains)
            extension.finish()
        obj.finish()
        return _build(
            Body,
            where,
            id=body_id,
            kind=kind,
            parent=parent,
            jurisdiction=jurisdiction,
            name=name,
            name_zh=name_zh,
            **fields,
        )

    def person(self, where: str, raw: object) -> Person:
        obj = _Object(raw, where, "a person", personal=True)
        person_id = obj.required_str("id")
        name = obj.optional_str("name") or ""
        name_zh = self.zh_name(obj)
        self.declare(person_id, "person", obj.at("id"))
        party_member = False
        extension = obj.sub(_EXT, "the govmodel extension of a person")
        if extension is not None:
            party_member = bool(extension.optional_bool("party_member"))
            extension.finish()
        obj.finish()
        return _build(
            Person, where, id=person_id, party_member=party_member, name=name, name_zh=name_zh
        )

    def post(self, where: str, raw: object) -> Post:
        obj = _Object(raw, where, "a post")
        post_id = obj.required_str("id")
        role = obj.choice("role", Role)
        name = obj.optional_str("label") or ""
        labels = obj.str_list("other_label") or []
        if len(labels) > 1:
            raise InteropError(
                labels[1][0], "expected one other label (the Chinese name), found a second"
            )
        name_zh = labels[0][1] if labels else ""
        organization = obj.optional_str("organization_id")
        grid = obj.optional_str("area_id")
        if (organization is None) == (grid is None):
            raise InteropError(
                where,
                "expected either organization_id (a post in a body) or area_id (a post in a "
                f"grid), found {'both' if organization is not None else 'neither'}",
            )
        self.declare(post_id, "post", obj.at("id"))
        self.refer(obj.at("organization_id"), organization, "body")
        self.refer(obj.at("area_id"), grid, "grid")
        seats = 1
        extension = obj.sub(_EXT, "the govmodel extension of a post")
        if extension is not None:
            found = extension.optional_int("seats")
            seats = 1 if found is None else found
            extension.finish()
        obj.finish()
        return _build(
            Post,
            where,
            id=post_id,
            role=role,
            within=organization if organization is not None else grid,
            seats=seats,
            name=name,
            name_zh=name_zh,
        )

    def membership(self, where: str, raw: object, within: Mapping[str, str]) -> Appointment:
        obj = _Object(raw, where, "a membership")
        person = obj.required_str("person_id")
        post = obj.required_str("post_id")
        self.refer(obj.at("person_id"), person, "person")
        self.refer(obj.at("post_id"), post, "post")
        self.check_references()
        holder = within[post]
        in_grid = self.types[holder] == "grid"
        for key, applies in (("organization_id", not in_grid), ("area_id", in_grid)):
            found = obj.optional_str(key)
            if found is None or (applies and found == holder):
                continue
            expected = (
                f'"{holder}", the {self.types[holder]} of the post "{post}"'
                if applies
                else f'no {key}: the post "{post}" is in the {self.types[holder]} "{holder}"'
            )
            raise InteropError(obj.at(key), f"expected {expected}, found {_show(found)}")
        start = obj.date("start_date")
        end = obj.optional_date("end_date")
        obj.finish()
        return _build(Appointment, where, person=person, post=post, start=start, end=end)

    def tie(self, where: str, raw: object) -> Tie:
        obj = _Object(raw, where, "a tie")
        kind = obj.choice("kind", TieKind)
        source = obj.required_str("source")
        target = obj.required_str("target")
        self.refer(obj.at("source"), source, "body")
        self.refer(obj.at("target"), target, "body")
        start = obj.optional_date("start")
        name = obj.optional_str("name") or ""
        name_zh = obj.optional_str("name_zh") or ""
        obj.finish()
        key = (kind, source, target)
        if key in self.ties_seen:
            raise InteropError(
                where,
                f"expected each tie once, found the {kind.value} tie from {_show(source)} to "
                f"{_show(target)} already at {self.ties_seen[key]}",
            )
        self.ties_seen[key] = where
        return _build(
            Tie,
            where,
            kind=kind,
            source=source,
            target=target,
            start=start,
            name=name,
            name_zh=name_zh,
        )

    def meeting(self, where: str, raw: object) -> Meeting:
        obj = _Object(raw, where, "a meeting")
        meeting_id = obj.required_str("id")
        convener = obj.required_str("convener")
        self.declare(meeting_id, "meeting", obj.at("id"))
        self.refer(obj.at("convener"), convener, "body")
        members = self.refer_all(obj.str_list("members"), "body", "post")
        place = obj.optional_str("place")
        self.refer(obj.at("place"), place, "place")
        frequency = obj.optional_choice("frequency", Frequency) or Frequency.AS_NEEDED
        day_of_month = obj.optional_int("day_of_month")
        name = obj.optional_str("name") or ""
        name_zh = obj.optional_str("name_zh") or ""
        obj.finish()
        return _build(
            Meeting,
            where,
            id=meeting_id,
            convener=convener,
            members=members,
            place=place,
            frequency=frequency,
            day_of_month=day_of_month,
            name=name,
            name_zh=name_zh,
        )


def _domain(where: str, value: str) -> Domain:
    try:
        return Domain(value)
    except ValueError:
        raise InteropError(
            where, f"expected one of {_choices(Domain)}, found {_show(value)}"
        ) from None


def _area_classifications() -> list[str]:
    return [*PlaceKind, *(_GRID_PREFIX + level for level in GridLevel)]
