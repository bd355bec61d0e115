"""The one error tree of govmodel.

Every error a user can meet derives from ``GovModelError`` and, where a
builtin carries the same meaning, from that builtin too, so ``except LookupError``
keeps working for code that does not know govmodel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "CalendarError",
    "ConcurrencyError",
    "DecisionError",
    "EventLogError",
    "GovModelError",
    "InteropError",
    "InteropErrorGroup",
    "MissingExtraError",
    "RecordError",
    "RejectedEventsError",
    "SpecError",
    "SpecProblem",
    "StoreArgumentError",
    "StoreError",
    "UnknownNodeError",
]


class GovModelError(Exception):
    """Base class of every error raised by govmodel.

    Examples
    --------
    >>> from govmodel import GovModelError, UnknownNodeError
    >>> issubclass(UnknownNodeError, GovModelError)
    True
    """


class UnknownNodeError(GovModelError, LookupError):
    """An id names no node of the structure.

    Examples
    --------
    >>> from govmodel import examples
    >>> examples.load("xinhe").node("place:nowhere")
    Traceback (most recent call last):
    ...
    govmodel.errors.UnknownNodeError: no node "place:nowhere" in the structure "Xinhe community"
    """

    def __init__(self, node_id: str, where: str = "the structure", *, what: str = "node") -> None:
        self.node_id = node_id
        super().__init__(f'no {what} "{node_id}" in {where}')


class _LocatedError(GovModelError):
    """An error about one place in the input: ``location: message``.

    ``location`` is a path into what was read (``places[3].parent``,
    ``ballots[1]``, ``requests[2].status``); ``""`` for the whole input, and
    then the message stands alone. ``location`` and ``message`` are kept as
    attributes, and a pickled error comes back with both.
    """

    def __init__(self, location: str, message: str) -> None:
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}" if location else message)

    def __reduce__(self) -> tuple[type[_LocatedError], tuple[str, ...]]:
        return (type(self), (self.location, self.message))


class DecisionError(_LocatedError, ValueError):
    """Input that an owners' decision cannot be taken on.

    Raised by ``govmodel.rules.decisions``: an electorate with no owners, a
    negative area, an owner voting twice, more participants than eligible
    owners, an unknown vote.

    Parameters
    ----------
    location
        Where the problem is, such as ``ballots[3]``, ``eligible.area`` or a
        field name (``area``, ``vote``) when a record is built.
    message
        What was expected and what was found.

    Examples
    --------
    >>> from govmodel.model import Matter, Vote
    >>> from govmodel.rules.decisions import Ballot, Electorate, decide
    >>> ballots = [Ballot(owner="room:101", area=90, vote=Vote.FOR),
    ...            Ballot(owner="room:101", area=90, vote=Vote.AGAINST)]
    >>> decide(ballots, matter=Matter.REBUILD, eligible=Electorate(owners=4, area=360))
    Traceback (most recent call last):
    ...
    govmodel.errors.DecisionError: ballots[1]: expected one ballot per owner, found a second ...
    >>> err = DecisionError("eligible.owners", "expected 1 or more owners, found 0")
    >>> isinstance(err, ValueError), err.location
    (True, 'eligible.owners')
    """


class CalendarError(GovModelError, LookupError):
    """A working day asked of a calendar for a year it does not know.

    Raised only by a calendar built with ``strict=True``; otherwise days past
    :attr:`Calendar.years` count weekends only.

    Examples
    --------
    >>> import attrs, datetime as dt
    >>> from govmodel import CHINA_CALENDAR
    >>> strict = attrs.evolve(CHINA_CALENDAR, strict=True)
    >>> strict.is_working_day(dt.date(2031, 1, 6))
    Traceback (most recent call last):
    ...
    govmodel.errors.CalendarError: 2031-01-06: the calendar knows public holidays for ...
    >>> CHINA_CALENDAR.is_working_day(dt.date(2031, 1, 6))   # not strict: weekends only
    True
    """


class RecordError(_LocatedError, ValueError):
    """A record that cannot be built from what it was given.

    ``location`` is the field; the message says what was expected and what
    was found.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case
    >>> Case(id="c", category="nosie", place="building:1", reported_at=dt.datetime(2025, 1, 1))
    Traceback (most recent call last):
    ...
    govmodel.errors.RecordError: category: unknown category "nosie"; expected one of repair, ...
    """


class EventLogError(_LocatedError, ValueError):
    """An event log that cannot be read, or that does not hold together.

    ``location`` says where: ``line 3`` of a JSON Lines text
    (``govmodel.loads_events``), ``events[3]`` of a log in memory
    (``govmodel.metrics(..., structure=...)``). The message names the field
    and what was expected; it never quotes a personal value (a case's
    reporter, contact or description, a reopening's reason).

    Examples
    --------
    >>> from govmodel import loads_events
    >>> loads_events('{"event": "closed", "case_id": "c"}')
    Traceback (most recent call last):
    ...
    govmodel.errors.EventLogError: line 1: not a closed event: missing at
    >>> err = EventLogError("line 3", "expected a JSON object")
    >>> isinstance(err, ValueError), err.location
    (True, 'line 3')
    """


class MissingExtraError(GovModelError, ImportError):
    """An optional dependency is needed for what was asked and is not installed.

    Examples
    --------
    >>> err = MissingExtraError("PyYAML", "yaml", "reading YAML specs")
    >>> print(err)
    reading YAML specs needs PyYAML, which is not installed: pip install 'govmodel[yaml]'
    """

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{purpose} needs {package}, which is not installed: pip install 'govmodel[{extra}]'"
        )


class InteropError(_LocatedError, ValueError):
    """Data from another format that cannot be mapped onto govmodel's records.

    The message says what was expected, what was found, and where.

    Examples
    --------
    >>> print(InteropError("requests[2].status", 'expected "open" or "closed", found "pending"'))
    requests[2].status: expected "open" or "closed", found "pending"
    """


# ``message`` is the group's message here: ExceptionGroup makes it read-only.
# Named as Python names its own groups (ExceptionGroup), hence N818.
class InteropErrorGroup(ExceptionGroup[InteropError], InteropError):  # type: ignore[override]  # noqa: N818
    """Every problem of one import, raised at once, each an ``InteropError`` at its location.

    An ``ExceptionGroup``, so ``except*`` works, and itself an
    ``InteropError`` located at the whole input (``requests``), so code that
    catches ``InteropError`` catches it too. ``problems`` lists them in the
    order they were found.

    Examples
    --------
    >>> err = InteropErrorGroup("requests", [
    ...     InteropError("requests[0].service_code", 'expected one of "repair", ...'),
    ...     InteropError("requests[2].lat", "expected null, found 31.2")])
    >>> print(err)
    requests: cannot import (2 problems):
      requests[0].service_code: expected one of "repair", ...
      requests[2].lat: expected null, found 31.2
    >>> isinstance(err, InteropError), [p.location for p in err.problems]
    (True, ['requests[0].service_code', 'requests[2].lat'])
    """

    def __new__(  # noqa: D102
        cls, location: str, problems: Sequence[InteropError]
    ) -> InteropErrorGroup:
        return super().__new__(cls, f"{location}: cannot import", list(problems))

    def __init__(self, location: str, problems: Sequence[InteropError]) -> None:
        super().__init__(f"{location}: cannot import", list(problems))
        self.location = location

    @property
    def problems(self) -> tuple[InteropError, ...]:
        """The problems, in the order they were found."""
        return tuple(p for p in self.exceptions if isinstance(p, InteropError))

    def derive(  # type: ignore[override]
        self, excs: Sequence[InteropError]
    ) -> InteropErrorGroup:
        """Keep the InteropErrorGroup type when a group is split (``except*``)."""
        return InteropErrorGroup(self.location, excs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.location, list(self.exceptions)))

    def __str__(self) -> str:
        count = len(self.exceptions)
        lines = [f"{self.message} ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  {p}" for p in self.exceptions]
        return "\n".join(lines)


class SpecProblem(_LocatedError, ValueError):  # noqa: N818 - one problem of a SpecError group
    """One problem found in a spec: where it is, what kind, and a plain message.

    Parameters
    ----------
    location
        Where in the spec, as a path such as ``places[3].parent``; ``""`` for the
        whole document.
    code
        A short stable code for the kind of problem: ``missing-key``,
        ``unknown-key``, ``wrong-type``, ``unknown-value``, ``dangling-reference``,
        ``wrong-reference``, ``duplicate-id``, ``duplicate-tie``, ``bad-date``,
        ``invalid-value``, ``syntax``, ``unreadable``, ``unknown-format``, or a
        validation code such as ``grid.overlap``.
    message
        What was expected and what was found.

    Examples
    --------
    >>> p = SpecProblem("places[3].parent", "dangling-reference", 'no place "compound:x"')
    >>> print(p)
    places[3].parent: no place "compound:x"
    """

    def __init__(self, location: str, code: str, message: str) -> None:
        self.code = code
        super().__init__(location, message)

    def __reduce__(self) -> tuple[type[SpecProblem], tuple[str, str, str]]:
        return (type(self), (self.location, self.code, self.message))


class SpecError(ExceptionGroup[SpecProblem], GovModelError):
    """Every problem of one spec, raised at once.

    An ``ExceptionGroup`` of ``SpecProblem``, so ``except*`` works, and
    a ``GovModelError``, so one ``except GovModelError`` catches it.

    Examples
    --------
    >>> import govmodel
    >>> try:
    ...     govmodel.load({"schema": "govmodel/1", "name": "x", "colour": "red"})
    ... except govmodel.SpecError as err:
    ...     for problem in err.problems:
    ...         print(problem)
    colour: unknown key "colour"
    """

    def __new__(cls, message: str, problems: Sequence[SpecProblem]) -> SpecError:  # noqa: D102
        return super().__new__(cls, message, list(problems))

    def __init__(self, message: str, problems: Sequence[SpecProblem]) -> None:
        super().__init__(message, list(problems))

    @property
    def problems(self) -> tuple[SpecProblem, ...]:
        """The problems, in the order they were found."""
        return tuple(p for p in self.exceptions if isinstance(p, SpecProblem))

    def derive(self, excs: Sequence[SpecProblem]) -> SpecError:  # type: ignore[override]
        """Keep the SpecError type when a group is split (``except*``)."""
        return SpecError(self.message, excs)

    def __str__(self) -> str:
        lines = [
            f"{self.message} ({len(self.exceptions)} problem"
            f"{'s' if len(self.exceptions) != 1 else ''}):"
        ]
        lines += [f"  {p}" for p in self.exceptions]
        return "\n".join(lines)


class StoreError(GovModelError):
    """A case store could not do what was asked: its database failed or refused.

    The message names what was asked and why, never a personal value; the
    database driver's own error is chained as ``__cause__``.

    Examples
    --------
    >>> from govmodel.store import SQLiteStore
    >>> SQLiteStore("/no/such/folder/cases.db")
    Traceback (most recent call last):
    ...
    govmodel.errors.StoreError: cannot open the SQLite store /no/such/folder/cases.db: ...
    """


class StoreArgumentError(_LocatedError, TypeError, ValueError):
    """A store was called with an argument it cannot take: a mistake in the calling code.

    ``location`` names the argument (``expected_version``, ``events[2]``,
    ``after``); the message says what was expected and what kind of value was
    found, never the value itself when it may hold personal data. Both a
    ``TypeError`` and a ``ValueError``, so either except clause catches it;
    not a ``StoreError``, which says the database failed or refused.

    Examples
    --------
    >>> from govmodel.store import SQLiteStore
    >>> SQLiteStore(":memory:").version(5)
    Traceback (most recent call last):
    ...
    govmodel.errors.StoreArgumentError: case_id: expected a case id (a str), found an int
    >>> err = StoreArgumentError("after", "expected a str")
    >>> isinstance(err, TypeError), isinstance(err, ValueError), err.location
    (True, True, 'after')
    """


class ConcurrencyError(StoreError):
    """An append was made against a case version that is not the case's version in the store.

    Mostly someone else appended to the case first (``actual`` is ahead of
    ``expected``); an ``expected`` ahead of the store is a version that was
    never read from it (or a case id misspelt). ``case_id``, ``expected`` (the
    version the append was made against) and ``actual`` (the case's version
    now) say where; read the case again and decide anew.

    Examples
    --------
    >>> err = ConcurrencyError("case:1", expected=2, actual=3)
    >>> print(err)
    case "case:1" is at version 3, not 2: someone else appended to it first; read it again
    >>> err.expected, err.actual
    (2, 3)
    >>> print(ConcurrencyError("case:1", expected=5, actual=3))  # doctest: +NORMALIZE_WHITESPACE
    case "case:1" is at version 3, not 5: the store holds fewer of its events than expected;
    read its version again
    """

    def __init__(self, case_id: str, *, expected: int, actual: int) -> None:
        self.case_id = case_id
        self.expected = expected
        self.actual = actual
        if actual > expected:
            why = "someone else appended to it first; read it again"
        else:
            why = "the store holds fewer of its events than expected; read its version again"
        super().__init__(f'case "{case_id}" is at version {actual}, not {expected}: {why}')

    def __reduce__(self) -> tuple[Any, ...]:
        return (_concurrency_error, (self.case_id, self.expected, self.actual))


def _concurrency_error(case_id: str, expected: int, actual: int) -> ConcurrencyError:
    return ConcurrencyError(case_id, expected=expected, actual=actual)


class RejectedEventsError(StoreError, ValueError):
    """Events a store refused to append: they do not follow the case's log.

    ``problems`` holds one message per problem found: an event that does not
    replay after the case's earlier events (``advance`` refuses it), an event
    of another case, a place or actor the structure does not hold. Messages
    name events by their position in the append and never quote a personal
    value.

    Examples
    --------
    >>> err = RejectedEventsError("case:1", ["events[0]: belongs to case 'case:2'"])
    >>> print(err)
    refused to append to case "case:1": events[0]: belongs to case 'case:2'
    >>> err.problems
    ("events[0]: belongs to case 'case:2'",)
    """

    def __init__(self, case_id: str, problems: Sequence[str]) -> None:
        self.case_id = case_id
        self.problems = tuple(problems)
        super().__init__(f'refused to append to case "{case_id}": ' + "; ".join(self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        return (RejectedEventsError, (self.case_id, self.problems))
