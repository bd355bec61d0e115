"""Fuzz tests: every loader refuses bad outside data with a govmodel error.

Each public loader, importer and constructor that takes outside data is fed
arbitrary JSON-like values, arbitrary text and the hard cases a reliability
review found (huge integers, deep nesting, repeated keys, lone surrogates, NUL,
control characters, mixed-type keys, absurd sizes). The only exceptions allowed
out are ``GovModelError`` subclasses, and their messages can always be printed.
Errors about personal fields never quote the value.

Each test draws ``GOVMODEL_FUZZ_EXAMPLES`` inputs (25 by default, so the file
runs in well under a minute under the ``ci`` profile). Outside CI, run 2,000
inputs per loader with::

    GOVMODEL_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govmodel
from govmodel import BACK_OFFICE, GovModelError, examples
from govmodel.cases import Reopened, Reported, dumps_events, loads_events
from govmodel.cli import main
from govmodel.cli.research import load_sweep
from govmodel.errors import InteropError, SpecError
from govmodel.interop.graph import (
    from_node_link,
    graphml_text,
    read_graphml,
    to_node_link,
    write_graphml,
)
from govmodel.interop.open311 import (
    events_from_requests,
    from_requests,
    loads_requests,
    to_requests,
)
from govmodel.interop.popolo import from_popolo, loads_popolo, to_popolo
from govmodel.interop.render import to_dot, to_mermaid
from govmodel.model import Matter, Person, Place, PlaceKind
from govmodel.rules.decisions import Ballot, Consultation, Electorate, decide
from govmodel.rules.policy import _TOP
from govmodel.simulation import Scenario
from govmodel.spec import Format
from govmodel.strategies import HARD_CHARACTERS, event_logs, structures
from govmodel.structure import Structure

EXAMPLES = int(os.environ.get("GOVMODEL_FUZZ_EXAMPLES", "25"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BIG = 10**5000
BIG_DIGITS = "1" + "0" * 5000

# -- what a loader may let out --------------------------------------------------------


def messages(err: BaseException) -> Iterator[str]:
    """The text of an error, of every error in its group, and their notes."""
    yield str(err)
    yield from getattr(err, "__notes__", ())
    for sub in getattr(err, "exceptions", ()):
        yield from messages(sub)


@contextlib.contextmanager
def refused(kind: type[BaseException], pattern: str) -> Iterator[None]:
    """Like ``pytest.raises(kind, match=pattern)``, matching any message of a group too."""
    with pytest.raises(kind) as info:
        yield
    text = "\n".join(messages(info.value))
    assert re.search(pattern, text), text


def refuses(load: Callable[[Any], object], value: Any) -> GovModelError | None:
    """Call ``load``; a govmodel error is returned, anything else fails the test.

    Every message must be printable as UTF-8 (no lone surrogate slips into one).
    """
    try:
        load(value)
    except GovModelError as err:
        for message in messages(err):
            message.encode("utf-8")
        return err
    return None


# -- strategies -----------------------------------------------------------------------

# Any character, lone surrogates included.
ANY_CHARACTER = st.characters(exclude_categories=()) | st.sampled_from(HARD_CHARACTERS)
TEXT = st.text(ANY_CHARACTER, max_size=30)


def json_values(*, huge: bool = True) -> st.SearchStrategy[Any]:
    """JSON-like values: scalars of every kind, lists and objects of them."""
    numbers = st.integers() | st.floats()
    if huge:
        # Built, not sampled: Hypothesis cannot repr an integer of 5,001 digits.
        numbers |= st.builds(
            lambda sign, power: sign * 10**power,
            st.sampled_from([1, -1]),
            st.sampled_from([40, 4299, 4300, 5000]),
        )
    scalars = st.none() | st.booleans() | numbers | TEXT
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
        max_leaves=12,
    )


def paths(value: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


@st.composite
def mutated(draw: Any, document: Any, *, huge: bool = True) -> Any:
    """``document`` with one to three values replaced by hostile ones, or deleted."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        found = list(paths(doc))
        if not found:
            break
        path = draw(st.sampled_from(found))
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        if draw(st.booleans()) and isinstance(target, dict):
            del target[path[-1]]
        else:
            target[path[-1]] = draw(json_values(huge=huge))
    return doc


# Inputs every text loader meets: the review's cases.
HARD_TEXTS = [
    "",
    "\x00",
    "\ud800",
    "[" * 100_000,
    "{" * 100_000,
    '{"a": ' * 50_000,
    "a = " + "[" * 100_000,
    "- " * 50_000,
    BIG_DIGITS,
    f'{{"x": {BIG_DIGITS}}}',
    f"[{BIG_DIGITS}]",
    f"x = {BIG_DIGITS}\n",
    f"x: {BIG_DIGITS}\n",
    '{"a": 1, "a": 2}',
    "a: 1\na: 2\n",
    '{"x[²]": 1}',
    '{"schema": "govmodel/1", "name": "\\ud800"}',
    'schema: govmodel/1\nname: "\ud800"\n',
    "\ufeff{}",
    "<graphml",
    '<?xml version="1.0"?><graphml><graph edgedefault="directed"><node id="a"/></graph></graphml>',
    "\r\n" * 10,
]
TEXTS = st.sampled_from(HARD_TEXTS) | TEXT | st.builds(json.dumps, json_values(huge=False))

XINHE = examples.load("xinhe")
_POLICY_CASE = govmodel.Case(
    id="c",
    category="leak",
    place="building:wanda-3",
    reported_at=dt.datetime(2025, 9, 30, 17),
    scope="building",
)
_POLICY_KEYS = [*_TOP, "bogus"]
_POLICY_INNER_KEYS = [
    "micro_grid",
    "street",
    "routine",
    "emergency",
    "amount",
    "unit",
    "noise",
    "weekend",
    "holidays",
    "add_holidays",
    "workdays",
    "hours",
    "years",
    "strict",
    "name",
]
XINHE_SPEC = govmodel.to_dict(XINHE)
XINHE_POPOLO = to_popolo(XINHE, include_personal=True, reader=BACK_OFFICE)
XINHE_NODE_LINK = to_node_link(XINHE, include_personal=True, reader=BACK_OFFICE)


def _xinhe_requests() -> list[dict[str, Any]]:
    case = govmodel.Case(
        id="case:1",
        category=govmodel.Category.LEAK,
        place="building:wanda-1",
        reported_at=dt.datetime(2025, 5, 6, 9),
        reporter="居民王",
        contact="13800000000",
        description="3号楼：漏水",
    )
    requests = to_requests(
        [Reported(case=case, at=case.reported_at)],
        structure=XINHE,
        for_actor=BACK_OFFICE,
        include_personal=True,
    )
    plain: list[dict[str, Any]] = json.loads(json.dumps(requests))
    return plain


XINHE_REQUESTS = _xinhe_requests()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for the loaders that read files."""
    return tmp_path_factory.mktemp("fuzz")


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


# -- one fuzz test per loader ---------------------------------------------------------


class TestSpecLoaders:
    @fuzz
    @given(text=TEXTS, fmt=st.sampled_from(["toml", "json", "yaml"]))
    def test_loads_text(self, text: str, fmt: Format) -> None:
        """loads() of any text in any format: a structure or a SpecError."""
        err = refuses(lambda t: govmodel.loads(t, format=fmt), text)
        assert err is None or isinstance(err, SpecError)

    @fuzz
    @given(value=json_values() | mutated(XINHE_SPEC))
    def test_load_mapping(self, value: Any) -> None:
        """load() of any value: a structure or a SpecError."""
        refuses(govmodel.load, value)

    @fuzz
    @given(
        value=st.dictionaries(
            TEXT | st.integers() | st.sampled_from([1.5, None, True]) | st.builds(lambda: BIG),
            json_values(),
            max_size=5,
        )
    )
    def test_load_mixed_keys(self, value: dict[Any, Any]) -> None:
        """Keys of any type, at the top and inside a record, are named, not sorted."""
        refuses(govmodel.load, {"schema": "govmodel/1", **value})
        refuses(govmodel.load, {"schema": "govmodel/1", "places": [value]})

    @fuzz
    @given(text=TEXTS, suffix=st.sampled_from([".toml", ".json", ".yaml"]))
    def test_load_file(self, scratch: Path, text: str, suffix: str) -> None:
        """load() of a file of any bytes: a structure or a SpecError."""
        refuses(govmodel.load, _write(scratch, "spec" + suffix, text))

    @fuzz
    @given(name=TEXT)
    def test_load_path(self, name: str) -> None:
        """load() of any path, NUL and surrogates included: a SpecError at worst."""
        refuses(govmodel.load, name + ".toml")


class TestEventLogs:
    @fuzz
    @given(text=TEXTS)
    def test_loads_events_text(self, text: str) -> None:
        """loads_events() of any text: events or a GovModelError."""
        refuses(loads_events, text)

    @fuzz
    @given(data=st.data())
    def test_loads_events_mutated(self, data: st.DataObject) -> None:
        """A valid log with values replaced: events or a GovModelError naming the line."""
        log = data.draw(event_logs(XINHE, max_cases=2))
        lines = [json.loads(line) for line in dumps_events(log).splitlines()]
        bad = data.draw(mutated(lines, huge=False))
        text = "\n".join(json.dumps(line) for line in bad)
        err = refuses(loads_events, text)
        assert err is None or str(err).startswith("line ")


class TestOpen311:
    @fuzz
    @given(text=TEXTS)
    def test_loads_requests(self, text: str) -> None:
        """loads_requests() then from_requests() of any text: cases or an InteropError."""
        err = refuses(lambda t: from_requests(loads_requests(t), structure=XINHE), text)
        assert err is None or isinstance(err, InteropError)

    @fuzz
    @given(value=json_values() | mutated(XINHE_REQUESTS), tz=st.none() | st.timezones())
    def test_from_requests(self, value: Any, tz: dt.tzinfo | None) -> None:
        """from_requests() and events_from_requests() of any value, in any zone: no crash."""
        refuses(lambda v: from_requests(v, structure=XINHE, tz=tz), value)
        refuses(lambda v: events_from_requests(v, structure=XINHE, tz=tz), value)


class TestPopolo:
    @fuzz
    @given(text=TEXTS)
    def test_loads_popolo(self, text: str) -> None:
        """loads_popolo() of any text: a structure or an InteropError."""
        refuses(loads_popolo, text)

    @fuzz
    @given(value=json_values() | mutated(XINHE_POPOLO))
    def test_from_popolo(self, value: Any) -> None:
        """from_popolo() of any value: a structure or an InteropError."""
        refuses(from_popolo, value)


def _graphml_mutants(text: str) -> st.SearchStrategy[str]:
    cuts = st.integers(0, len(text))
    return st.builds(
        lambda at, insert: text[:at] + insert + text[at:],
        cuts,
        st.sampled_from(["\x01", "<", "&#0;", "&#13;", BIG_DIGITS, '"', "]]>", "<x>"]),
    )


class TestGraphs:
    @fuzz
    @given(value=json_values() | mutated(XINHE_NODE_LINK))
    def test_from_node_link(self, value: Any) -> None:
        """from_node_link() of any value: a structure or an InteropError."""
        refuses(from_node_link, value)

    @fuzz
    @given(text=TEXTS | st.builds(graphml_text, st.just(XINHE)).flatmap(_graphml_mutants))
    def test_read_graphml(self, scratch: Path, text: str) -> None:
        """read_graphml() of a file of any text: a structure or an InteropError."""
        refuses(read_graphml, _write(scratch, "g.graphml", text))

    @fuzz
    @given(s=structures(max_communities=1, max_compounds=2, max_buildings=1))
    def test_write_graphml(self, scratch: Path, s: Structure) -> None:
        """Writing GraphML refuses what XML cannot hold; what it writes reads back."""
        path = scratch / "w.graphml"
        if (
            refuses(lambda p: write_graphml(s, p, include_personal=True, reader=BACK_OFFICE), path)
            is None
        ):
            assert read_graphml(path) == s


class TestScenarioAndSweep:
    @fuzz
    @given(
        fields=st.dictionaries(
            st.sampled_from(
                [
                    "days",
                    "start",
                    "rates",
                    "households_if_unknown",
                    "scopes",
                    "handling_hours",
                    "handling_sigma",
                    "capacity",
                    "satisfaction",
                    "max_reopens",
                    "channels",
                    "urgency",
                ]
            ),
            json_values() | st.datetimes() | st.sampled_from([float("nan"), float("inf")]),
            max_size=3,
        )
    )
    def test_scenario(self, fields: dict[str, Any]) -> None:
        """Scenario(**fields) of any values: a scenario or a ScenarioError."""
        refuses(lambda f: Scenario(**f), fields)

    @fuzz
    @given(
        st.dictionaries(
            st.sampled_from(_POLICY_KEYS),
            json_values()
            | st.dictionaries(st.sampled_from(_POLICY_INNER_KEYS), json_values(), max_size=3)
            | st.dictionaries(
                st.sampled_from(_POLICY_INNER_KEYS),
                st.dictionaries(st.sampled_from(_POLICY_INNER_KEYS), json_values(), max_size=2),
                max_size=2,
            ),
            max_size=3,
        )
    )
    def test_policy(self, data: dict[str, Any]) -> None:
        """load_policy of any mapping: a policy that routes and escalates, or a SpecError."""

        def load_and_route(d: dict[str, Any]) -> object:
            policy = govmodel.load_policy(d)
            routing = govmodel.route(XINHE, _POLICY_CASE, policy=policy)
            state = govmodel.replay(
                [
                    govmodel.Reported(case=_POLICY_CASE, at=_POLICY_CASE.reported_at),
                    govmodel.Routed(
                        case_id=_POLICY_CASE.id, at=_POLICY_CASE.reported_at, routing=routing
                    ),
                ]
            )
            return govmodel.escalate(XINHE, state, now=routing.due + dt.timedelta(minutes=1))

        refuses(load_and_route, data)

    @fuzz
    @given(TEXTS)
    def test_policy_file(self, text: str) -> None:
        """A policy file of any text: a policy or a SpecError."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "policy.toml"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            refuses(govmodel.load_policy, path)

    @fuzz
    @given(
        text=TEXTS
        | st.builds(
            "seeds = {}\nseed = {}\n[scenario]\n{} = {}\n".format,
            st.integers(),
            st.integers(),
            st.sampled_from(["days", "capacity", "hotline", "rates", "bogus"]),
            st.sampled_from(["0", "-1", "1e400", "nan", BIG_DIGITS, "100000000", '"x"']),
        )
    )
    def test_sweep_file(self, scratch: Path, text: str) -> None:
        """load_sweep() of a file of any text: runs or a GovModelError."""
        refuses(load_sweep, _write(scratch, "sweep.toml", text))


class TestDecide:
    @fuzz
    @given(
        owner=json_values(),
        area=json_values() | st.decimals() | st.fractions(),
        vote=json_values(),
        owners=json_values(),
        eligible_area=json_values() | st.decimals(),
        matter=json_values() | st.sampled_from(list(Matter)),
    )
    def test_decide(
        self, owner: Any, area: Any, vote: Any, owners: Any, eligible_area: Any, matter: Any
    ) -> None:
        """Ballots, electorates and decisions of any values: a decision or a DecisionError."""

        def run(_: object) -> object:
            ballot = Ballot(owner=owner, area=area, vote=vote)
            eligible = Electorate(owners=owners, area=eligible_area)
            decide([ballot], matter=matter, eligible=eligible)
            return decide(
                [ballot],
                matter=matter,
                eligible=eligible,
                rule=Consultation(participation=Fraction(2, 3)),
            )

        refuses(run, None)


class TestCommandLine:
    @fuzz
    @given(
        command=st.sampled_from(
            [
                ["validate"],
                ["describe"],
                ["route", "xinhe", "--place", "compound:wanda", "--category", "leak", "--at"],
                ["import", "popolo"],
                ["import", "open311"],
                ["sweep"],
            ]
        ),
        argument=st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
        | st.sampled_from(["9999-12-31T00:00", "0001-01-01T00:00", "a\x00.toml", BIG_DIGITS]),
    )
    def test_arguments(self, command: list[str], argument: str) -> None:
        """Any argument gives an exit status and a message, never a traceback."""
        out: list[str] = []

        class Sink:
            def write(self, text: str) -> int:
                out.append(text)
                return len(text)

            def flush(self) -> None:
                pass

        try:
            status = main([*command, argument], out=Sink())  # type: ignore[arg-type]
        except SystemExit as exit:  # argparse's own usage error
            status = 2 if exit.code == 2 else -1
        assert status in (0, 1, 2)


# -- no personal value in any error ---------------------------------------------------

MARKER = "王秀英13812345678"
MARKER_VALUES = st.sampled_from(
    [MARKER, 13812345678, [MARKER], {"name": MARKER}, MARKER + "\ud800", 13812345678.0]
)


def assert_no_marker(err: GovModelError | None) -> None:
    """No message of the error quotes the marker, or a recognisable part of it."""
    if err is None:
        return
    for message in messages(err):
        for part in ("王秀英", "13812345678"):
            assert part not in message, message


class TestNoPersonalValueInErrors:
    @fuzz
    @given(
        field=st.sampled_from(["phone", "email", "first_name", "last_name", "description"]),
        second=st.sampled_from([None, "phone", "email", "last_name"]),
        value=MARKER_VALUES,
        break_another=st.booleans(),
    )
    def test_open311(self, field: str, second: str | None, value: Any, break_another: bool) -> None:
        """Open311 errors name the personal field, never its value."""
        request = copy.deepcopy(XINHE_REQUESTS[0])
        for key in ("phone", "email"):
            request.pop(key, None)
        request[field] = value
        if second is not None:
            request[second] = MARKER
        if break_another:
            request["service_code"] = "pothole"
        assert_no_marker(refuses(lambda r: from_requests([r], structure=XINHE), request))

    @fuzz
    @given(
        where=st.sampled_from(["name", "other_name", "lang", "extension"]),
        value=MARKER_VALUES,
        break_another=st.booleans(),
    )
    def test_popolo(self, where: str, value: Any, break_another: bool) -> None:
        """Popolo errors about a person name the field, never the value."""
        doc = copy.deepcopy(XINHE_POPOLO)
        person = doc["persons"][0]
        if where == "name":
            person["name"] = value
        elif where == "other_name":
            person["other_names"] = [{"lang": "zh", "name": value}]
        elif where == "lang":
            person["other_names"] = [{"lang": value, "name": MARKER}]
        else:
            person["govmodel"] = {"party_member": value}
        if break_another:
            doc["areas"][0]["classification"] = "palace"
        assert_no_marker(refuses(from_popolo, doc))

    @fuzz
    @given(
        field=st.sampled_from(["reporter", "contact", "description", "reason"]),
        value=MARKER_VALUES,
        break_another=st.booleans(),
    )
    def test_event_log(self, field: str, value: Any, break_another: bool) -> None:
        """Event-log errors about a reporter, contact, description or reason quote none."""
        case = govmodel.Case(
            id="case:1",
            category=govmodel.Category.LEAK,
            place="building:wanda-1",
            reported_at=dt.datetime(2025, 5, 6, 9),
        )
        at = case.reported_at
        lines = [
            json.loads(line)
            for line in dumps_events(
                [
                    Reported(case=case, at=at),
                    Reopened(case_id="case:1", at=at, actor="post:a", reason="x"),
                ]
            ).splitlines()
        ]
        if field == "reason":
            lines[1]["reason"] = value
        else:
            lines[0]["case"][field] = value
        if break_another:
            lines[0]["case"]["category"] = "pothole"
        text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
        assert_no_marker(refuses(loads_events, text))

    @fuzz
    @given(
        field=st.sampled_from(["name", "name_zh"]),
        value=MARKER_VALUES,
        break_another=st.booleans(),
        how=st.sampled_from(["spec", "node-link"]),
    )
    def test_spec_and_node_link(
        self, field: str, value: Any, break_another: bool, how: str
    ) -> None:
        """Spec and node-link errors about a person's name quote none."""
        if how == "spec":
            spec = copy.deepcopy(XINHE_SPEC)
            spec["people"][0][field] = value
            if break_another:
                spec["places"][0]["kind"] = "palace"
            assert_no_marker(refuses(govmodel.load, spec))
        else:
            data = copy.deepcopy(XINHE_NODE_LINK)
            person = next(n for n in data["nodes"] if n["type"] == "person")
            person[field] = value
            if break_another:
                data["nodes"][0]["kind"] = "palace"
            assert_no_marker(refuses(from_node_link, data))

    def test_graphml_names_the_field_not_the_value(self) -> None:
        """A person's name GraphML cannot hold is refused by field, without the name."""
        people = [Person(id="person:x", name=MARKER + "\x01")]
        s = Structure(places=[Place(id="street:a", kind=PlaceKind.STREET)], people=people)
        err = refuses(lambda _: graphml_text(s, include_personal=True, reader=BACK_OFFICE), None)
        assert isinstance(err, InteropError)
        assert err.location == 'nodes["person:x"].name'
        assert_no_marker(err)


# -- each finding of the reliability review ---------------------------------------------


def _spec_text(fmt: str, extra: str) -> str:
    heads = {"toml": 'schema = "govmodel/1"\n', "json": '{"schema": "govmodel/1", ', "yaml": ""}
    return heads[fmt] + extra


class TestSafetyTrial:
    """What the newcomer's safety trial found: loaders that crashed on odd input."""

    @pytest.mark.parametrize(
        "source",
        [
            {"response_limit_hours": 10**400},
            {"response_limit_hours": 10**30},
            {"recurrence_window_days": 10**12},
            {"recurrence_window_days": 1e300},
            {"time_limits": {"compound": {"routine": {"amount": 1e308, "unit": "days"}}}},
            {"time_limits": {"compound": {"routine": {"amount": 10**20, "unit": "working_days"}}}},
            [1, 2],
        ],
    )
    def test_policy_values(self, source: object) -> None:
        """Huge numbers and a wrong type are located problems, never an OverflowError."""
        with pytest.raises(SpecError):
            govmodel.load_policy(source)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "content",
        [b"x=" + b"[" * 100_000, b"response_limit_hours = " + b"9" * 5000, b"\xff\xfe\x00"],
    )
    def test_policy_files(self, content: bytes, tmp_path: Path) -> None:
        """Deep nesting, endless digits and bytes that are not UTF-8: one SpecError each."""
        path = tmp_path / "policy.toml"
        path.write_bytes(content)
        with pytest.raises(SpecError, match="cannot load"):
            govmodel.load_policy(path)

    @pytest.mark.parametrize("text", [b"{}", None, 5])
    def test_event_log_that_is_not_text(self, text: object) -> None:
        """loads_events takes text; anything else is an EventLogError."""
        with pytest.raises(GovModelError, match="expected the log as a str"):
            loads_events(text)  # type: ignore[arg-type]

    @pytest.mark.parametrize("field", ["reporter", "contact", "description"])
    def test_lone_surrogates_in_personal_text(self, field: str) -> None:
        """Text a log could not write back is refused when the case is made."""
        fields: dict[str, object] = {field: "broken \ud800 door"}
        with pytest.raises(GovModelError, match="lone surrogate") as info:
            govmodel.Case(
                id="c",
                category="repair",
                place="building:wanda-3",
                reported_at=dt.datetime(2025, 5, 6, 9),
                **fields,  # type: ignore[arg-type]
            )
        assert "broken" not in str(info.value)
        with pytest.raises(GovModelError, match="lone surrogate"):
            Reopened(case_id="c", at=dt.datetime(2025, 5, 6), actor="a", reason="x \udc00")

    def test_render_refuses_a_reader_it_would_ignore(self) -> None:
        """render --for-actor without --include-personal is refused, as export refuses it."""
        out: list[str] = []
        status = main(["render", "xinhe", "--for-actor", "pm:cxh"], out=_Sink(out))  # type: ignore[arg-type]
        assert status == 2
        assert "--for-actor: only with --include-personal" in "".join(out)

    def test_sweep_out_with_nul(self, tmp_path: Path) -> None:
        """A NUL in a sweep's out is a problem of the file, never a ValueError."""
        config = tmp_path / "sweep.toml"
        config.write_text(
            'seed = 0\nseeds = 1\nstructures = ["xinhe"]\nvariants = ["baseline"]\n'
            'out = "a\\u0000.jsonl"\n[scenario]\ndays = 1\n',
            encoding="utf-8",
        )
        out: list[str] = []
        assert main(["sweep", str(config), "--workers", "1"], out=_Sink(out)) == 1  # type: ignore[arg-type]
        assert "out: expected a file name without NUL" in "".join(out)


class TestReviewFindings:
    def test_mixed_type_keys(self, tmp_path: Path) -> None:
        """Unknown keys of mixed types are each named; `govmodel validate` prints no traceback."""
        spec = {"schema": "govmodel/1", "places": [{"id": "a", "kind": "street", 1: 2, "z": 3}]}
        with pytest.raises(SpecError) as info:
            govmodel.load(spec)
        assert {p.location for p in info.value.problems} == {"places[0].1", "places[0].z"}
        path = _write(tmp_path, "mixed.yaml", "schema: govmodel/1\n1: x\nz: y\n")
        out: list[str] = []
        assert main(["validate", str(path)], out=_Sink(out)) == 1  # type: ignore[arg-type]
        assert "unknown key" in "".join(out)

    @pytest.mark.parametrize(
        ("fmt", "text"),
        [
            ("json", f'{{"schema": "govmodel/1", "name": {BIG_DIGITS}}}'),
            ("toml", f'schema = "govmodel/1"\nname = {BIG_DIGITS}\n'),
            ("yaml", f"schema: govmodel/1\nname: {BIG_DIGITS}\n"),
        ],
    )
    def test_huge_integers_in_specs(self, fmt: Format, text: str) -> None:
        """Integers of more than 4300 digits are refused in every spec format."""
        with refused(SpecError, "4300 digits"):
            govmodel.loads(text, format=fmt)

    def test_huge_integers_elsewhere(self) -> None:
        """… and in event logs, Open311, Popolo, and in messages about mappings."""
        with pytest.raises(GovModelError, match="4300 digits"):
            loads_events(f'{{"event": "closed", "case_id": "c", "at": {BIG_DIGITS}}}')
        with pytest.raises(InteropError, match="4300 digits"):
            loads_requests(f'[{{"x": {BIG_DIGITS}}}]')
        with pytest.raises(InteropError, match="4300 digits"):
            loads_popolo(f'{{"areas": [{BIG_DIGITS}]}}')
        with pytest.raises(InteropError, match="5,001 digits"):
            from_popolo({"areas": [BIG]})
        with refused(SpecError, "an integer of 5,001 digits"):
            govmodel.load({"schema": "govmodel/1", "name": BIG})
        with refused(SpecError, "at most 4300 digits"):
            govmodel.load(
                {
                    "schema": "govmodel/1",
                    "places": [{"id": "a", "kind": "street", "households": BIG}],
                }
            )

    @pytest.mark.parametrize(
        "load",
        [loads_events, loads_requests, loads_popolo, lambda t: govmodel.loads(t, format="json")],
    )
    def test_deep_nesting_of_text(self, load: Callable[[str], object]) -> None:
        """'[' * 100000 is refused as nested too deeply, not with RecursionError."""
        with refused(GovModelError, r"nested|deep"):
            load("[" * 100_000)

    def test_deep_nesting_of_node_ids(self) -> None:
        """A node id that is a deep list is refused: ids are strings."""
        deep: Any = []
        for _ in range(5000):
            deep = [deep]
        with pytest.raises(InteropError, match=r"nodes\[0\]\.id: expected a string id"):
            from_node_link({"nodes": [{"id": deep}], "edges": []})

    def test_superscript_digit_in_a_key(self) -> None:
        """A key like "x[²]" is an unknown key, not an int() crash."""
        with refused(SpecError, r'x\[²\]: unknown key "x\[²\]"'):
            govmodel.load({"schema": "govmodel/1", "x[²]": 1})

    def test_lone_surrogates(self) -> None:
        """Surrogates in YAML text are a syntax problem; in a name, a located one."""
        with refused(SpecError, "lone surrogate"):
            govmodel.loads('schema: govmodel/1\nname: "\ud800"\n', format="yaml")
        with refused(SpecError, r"name: expected text without lone surrogates"):
            govmodel.loads('{"schema": "govmodel/1", "name": "\\ud800"}', format="json")
        with refused(SpecError, r"^spec: cannot write"):
            govmodel.dumps(Structure(name="\ud800"), format="json")

    def test_nul_in_a_path(self) -> None:
        """A path with a NUL in it is unreadable, not a ValueError."""
        with refused(SpecError, "NUL"):
            govmodel.load("a\x00.toml")

    def test_open311_none_and_the_calendar_edges(self) -> None:
        """from_requests(None), and years 1 and 9999 shifted out of the calendar."""
        with refused(InteropError, "expected a list of service requests"):
            from_requests(None)  # type: ignore[arg-type]
        utc8 = dt.timezone(dt.timedelta(hours=8))
        for moment in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"):
            request = {**XINHE_REQUESTS[0], "requested_datetime": moment}
            request.pop("updated_datetime", None)
            request.pop("expected_datetime", None)
            with refused(InteropError, "years 1 to 9999"):
                from_requests([request], tz=utc8 if moment.startswith("9") else dt.UTC)

    def test_open311_lifecycle_mixing_offsets(self) -> None:
        """A note with an offset after one without is a located problem, never a TypeError."""
        request = copy.deepcopy(XINHE_REQUESTS[0])
        request["notes"].append(
            {"datetime": "2025-05-06T10:00:00+08:00", "summary": "closed", "type": "closed"}
        )
        with refused(InteropError, r"requests\[0\]\.notes\[1\]"):
            events_from_requests([request], structure=XINHE)

    def test_route_at_the_end_of_the_calendar(self) -> None:
        """`govmodel route --at 9999-12-31T00:00` says why, without a traceback."""
        out: list[str] = []
        status = main(
            [
                "route",
                "xinhe",
                "--place",
                "compound:wanda",
                "--category",
                "leak",
                "--at",
                "9999-12-31T00:00",
            ],
            out=_Sink(out),  # type: ignore[arg-type]
        )
        assert status == 2
        assert "--at: expected a time in the years 1900–9000" in "".join(out)

    @pytest.mark.parametrize(
        "argv",
        [
            ["check", "xinhe", "LOG"],
            ["metrics", "LOG"],
            ["can", "xinhe", "LOG", "pm:cxh", "view", "c1"],
        ],
    )
    def test_logs_at_the_end_of_the_calendar(self, argv: list[str], tmp_path: Path) -> None:
        """A log dated in the year 9999 is refused at its line, never an OverflowError."""
        log = tmp_path / "y9999.jsonl"
        log.write_text(
            '{"case": {"id": "c1", "category": "repair", "place": "building:wanda-3", '
            '"reported_at": "9999-12-31T23:00:00", "scope": "building"}, '
            '"at": "9999-12-31T23:00:00", "event": "reported"}\n',
            encoding="utf-8",
        )
        out: list[str] = []
        status = main([str(log) if a == "LOG" else a for a in argv], out=_Sink(out))  # type: ignore[arg-type]
        assert status == 1
        assert "line 1" in "".join(out)
        assert "the years 1900–9000" in "".join(out)

    def test_moments_at_the_start_of_the_calendar(self) -> None:
        """--now in the year 1 is a usage error, never an OverflowError."""
        out: list[str] = []
        status = main(["metrics", "x.jsonl", "--now", "0001-01-01T00:00+14:00"], out=_Sink(out))  # type: ignore[arg-type]
        assert status == 2
        assert "--now: expected a time in the years 1900–9000" in "".join(out)

    def test_non_json_node_ids(self) -> None:
        """Node ids that are not strings are refused with their location."""
        with pytest.raises(InteropError, match=r"nodes\[0\]\.id"):
            from_node_link({"nodes": [{"id": object(), "type": "place"}], "edges": []})

    def test_scenario_wrong_types_and_bogus_keys(self) -> None:
        """Wrong types and keys that are no category are refused when the scenario is made."""
        with pytest.raises(GovModelError, match="days: expected a whole number"):
            Scenario(days="30")  # type: ignore[arg-type]
        with pytest.raises(GovModelError, match="rates: expected keys among"):
            Scenario(rates={"bogus": 1.0})
        with pytest.raises(GovModelError, match="start: expected a datetime"):
            Scenario(start="2025-01-01")  # type: ignore[arg-type]
        with pytest.raises(GovModelError, match="hotline: expected a number"):
            Scenario(hotline=None)  # type: ignore[arg-type]
        with pytest.raises(GovModelError, match="days: expected at most 36,500"):
            Scenario(days=10**9)

    def test_sweep_with_a_hundred_million_seeds(self, tmp_path: Path) -> None:
        """seeds = 100000000 is refused by its bound, not by a MemoryError."""
        path = _write(tmp_path, "sweep.toml", "seeds = 100000000\n")
        with pytest.raises(GovModelError, match=r"seeds: .*at most 10,000"):
            load_sweep(path)

    def test_importers_refuse_place_cycles(self, tmp_path: Path) -> None:
        """Popolo, node-link and GraphML refuse places in a cycle; charts refuse to recurse."""
        doc = copy.deepcopy(XINHE_POPOLO)
        doc["areas"][0]["parent_id"] = "community:xinhe"
        with pytest.raises(InteropError, match=r"place\.cycle"):
            from_popolo(doc)
        cyclic = govmodel.load(
            {
                **XINHE_SPEC,
                "places": [
                    {**XINHE_SPEC["places"][0], "parent": "community:xinhe"},
                    *XINHE_SPEC["places"][1:],
                ],
            },
            validate=False,
        )
        with pytest.raises(InteropError, match="cycle"):
            from_node_link(to_node_link(cyclic, include_personal=True, reader=BACK_OFFICE))
        write_graphml(cyclic, tmp_path / "c.graphml", include_personal=True, reader=BACK_OFFICE)
        with pytest.raises(InteropError, match="cycle"):
            read_graphml(tmp_path / "c.graphml")
        for draw in (to_mermaid, to_dot):
            with pytest.raises(InteropError, match="cycle"):
                draw(cyclic)

    @pytest.mark.parametrize(
        ("fmt", "text"),
        [
            ("json", '{"schema": "govmodel/1", "places": [], "places": []}'),
            ("yaml", "schema: govmodel/1\nplaces: []\nplaces: []\n"),
            ("toml", 'schema = "govmodel/1"\nname = "a"\nname = "b"\n'),
        ],
    )
    def test_duplicate_keys(self, fmt: Format, text: str) -> None:
        """A repeated key is refused in every format, not silently last-wins."""
        with refused(SpecError, r"twice|overwrite"):
            govmodel.loads(text, format=fmt)

    @pytest.mark.parametrize("character", ["\x01", "\x1f", "\ufffe", "\uffff", "\ud800"])
    def test_graphml_refuses_what_xml_cannot_hold(self, character: str) -> None:
        """C0 controls, U+FFFE, U+FFFF and surrogates are refused, naming the field."""
        s = Structure(places=[Place(id="street:a", kind=PlaceKind.STREET, name="a" + character)])
        with pytest.raises(InteropError) as info:
            graphml_text(s)
        assert info.value.location == 'nodes["street:a"].name'

    @pytest.mark.parametrize("name", ["a\rb", "a\r\nb", "\r", "a\nb\tc"])
    def test_graphml_keeps_carriage_returns(self, tmp_path: Path, name: str) -> None:
        """CR and CRLF come back from GraphML as written, not as LF."""
        s = Structure(places=[Place(id="street:\r", kind=PlaceKind.STREET, name=name)])
        write_graphml(s, tmp_path / "cr.graphml")
        assert read_graphml(tmp_path / "cr.graphml", validate=False) == s

    def test_strategies_include_the_hard_characters(self) -> None:
        """The text of structures() names draws control characters, CR and non-characters."""
        from hypothesis import find

        from govmodel.strategies import _TEXT

        for character in ("\x00", "\r", "\u2028", "\ufffe"):
            found = find(
                _TEXT,
                lambda text, c=character: c in text,  # type: ignore[misc]
                settings=settings(max_examples=1000, database=None),
            )
            assert character in found

    def test_validation_points_at_the_tie(self) -> None:
        """A bad leads tie is located at the tie, not at a body."""
        spec = copy.deepcopy(XINHE_SPEC)
        index = len(spec["ties"])
        spec["ties"].append({"kind": "leads", "source": "rc:xinhe", "target": "pm:cxh"})
        with pytest.raises(SpecError) as info:
            govmodel.load(spec)
        assert [p.location for p in info.value.problems if p.code == "tie.kinds"] == [
            f"ties[{index}]"
        ]

    def test_validation_points_at_the_appointment(self) -> None:
        """A post with too many holders is located at the appointment that broke it."""
        spec = copy.deepcopy(XINHE_SPEC)
        held = spec["appointments"][0]
        spec["people"].append({"id": "person:extra"})
        index = len(spec["appointments"])
        spec["appointments"].append({**held, "person": "person:extra"})
        with pytest.raises(SpecError) as info:
            govmodel.load(spec)
        assert [p.location for p in info.value.problems if p.code == "post.over-held"] == [
            f"appointments[{index}]"
        ]

    def test_personal_values_in_open311_errors(self) -> None:
        """The review's three messages now name the field, not the value."""
        request = {k: v for k, v in XINHE_REQUESTS[0].items() if k not in ("phone", "email")}
        cases: list[tuple[dict[str, Any], str]] = [
            ({"phone": 13812345678}, "requests[0].phone: expected a string or null, found an"),
            ({"last_name": ["王秀英"]}, "requests[0].last_name: expected a string or null"),
            ({"phone": "13912345678", "email": "wang@example.com"}, "found both"),
        ]
        for change, expected in cases:
            with pytest.raises(InteropError) as info:
                from_requests([{**request, **change}])
            assert expected in str(info.value)
            for secret in ("13812345678", "王秀英", "13912345678", "wang@example.com"):
                assert secret not in str(info.value)


class _Sink:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_fraction_areas_bounded() -> None:
    """decide() refuses areas past 10^15 and fractions with 400-digit denominators."""
    with pytest.raises(GovModelError, match="10\\^15"):
        Ballot(owner="a", area=BIG, vote="for")
    with pytest.raises(GovModelError, match="denominator"):
        Ballot(owner="a", area=Fraction(1, 10**500), vote="for")
    with pytest.raises(GovModelError, match="at most 10\\^15 owners"):
        Electorate(owners=BIG, area=1)
