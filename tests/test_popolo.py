"""Tests for `govmodel.interop.popolo`: Popolo JSON export and import."""

import contextlib
import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from govmodel import BACK_OFFICE, Structure, examples
from govmodel.errors import InteropError
from govmodel.interop.popolo import (
    FORMAT,
    dumps_popolo,
    from_popolo,
    loads_popolo,
    to_popolo,
)
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
from govmodel.strategies import structures

Doc = dict[str, Any]

SCHEMAS = Path(__file__).parent / "data" / "popolo"
SCHEMA_OF = {
    "areas": "area.json",
    "organizations": "organization.json",
    "persons": "person.json",
    "posts": "post.json",
    "memberships": "membership.json",
}
POPOLO_LISTS = tuple(SCHEMA_OF)


# -- helpers ----------------------------------------------------------------------


def _schema_file(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _validators() -> dict[str, Draft3Validator]:
    """One validator per Popolo list, resolving `$ref`s among the shipped files only."""
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        contents = _schema_file(path.name)
        uri = contents["id"].rstrip("#")
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT3)))
    registry: Registry[Any] = Registry().with_resources(resources)
    return {
        list_name: Draft3Validator(
            _schema_file(file_name),
            registry=registry,
            format_checker=Draft3Validator.FORMAT_CHECKER,
        )
        for list_name, file_name in SCHEMA_OF.items()
    }


def schema_errors(doc: Doc) -> list[str]:
    """Every schema violation of every object of the five Popolo lists."""
    errors: list[str] = []
    for list_name, validator in _validators().items():
        for index, item in enumerate(doc.get(list_name, [])):
            for error in validator.iter_errors(item):
                path = "".join(f"[{p!r}]" for p in error.absolute_path)
                errors.append(f"{list_name}[{index}]{path}: {error.message}")
    return errors


def strings(value: object) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def with_people(structure: Structure, rename: Callable[[int, Any], Any]) -> Structure:
    """The structure with every person replaced by ``rename(index, person)``."""
    records = structure.records()
    records["people"] = tuple(rename(i, p) for i, p in enumerate(records["people"]))
    return Structure(name=structure.name, name_zh=structure.name_zh, **records)


def anonymous(structure: Structure) -> Structure:
    """The structure with people's names removed."""
    return with_people(structure, lambda _, p: attrs.evolve(p, name="", name_zh=""))


def every_field() -> Structure:
    """A small structure in which every field has a value other than its default."""
    return Structure(
        name="every field",
        name_zh="全字段",
        places=[
            Place(id="community:a", kind=PlaceKind.COMMUNITY, name="A", name_zh="甲社区"),
            Place(
                id="compound:a",
                kind=PlaceKind.COMPOUND,
                parent="community:a",
                households=120,
                residents=300,
                title=False,
                old=True,
                residential=False,
            ),
            Place(id="compound:b", kind=PlaceKind.COMPOUND, parent="community:a", households=0),
        ],
        grids=[
            Grid(id="grid:c", level=GridLevel.COMMUNITY, covers=["community:a"]),
            Grid(
                id="grid:a",
                level=GridLevel.COMPOUND,
                parent="grid:c",
                covers=["compound:a", "compound:b"],
                name="Grid A",
                name_zh="甲网格",
            ),
        ],
        bodies=[
            Body(id="party:a", kind=BodyKind.PARTY_COMMITTEE, jurisdiction=["community:a"]),
            Body(
                id="branch:b",
                kind=BodyKind.PARTY_BRANCH,
                parent="party:a",
                grid="grid:a",
                jurisdiction=["compound:a", "compound:b"],
                domains=[],
            ),
            Body(
                id="dept:fire",
                kind=BodyKind.DEPARTMENT,
                domains=[Domain.FIRE_SAFETY, Domain.HOUSING],
                serves=["compound:b"],
            ),
        ],
        people=[Person(id="person:w", party_member=True, name="Wang", name_zh="王")],
        posts=[
            Post(
                id="post:s",
                role=Role.SECRETARY,
                within="branch:b",
                seats=3,
                name="Secretary",
                name_zh="支部书记",
            ),
            Post(id="post:g", role=Role.GRID_LEADER, within="grid:a"),
        ],
        appointments=[
            Appointment(
                person="person:w",
                post="post:s",
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
            ),
            Appointment(person="person:w", post="post:g", start=dt.date(2024, 2, 29)),
        ],
        ties=[
            Tie(
                kind=TieKind.GUIDES,
                source="party:a",
                target="dept:fire",
                start=dt.date(2023, 5, 1),
                name="guidance",
                name_zh="指导",
            )
        ],
        meetings=[
            Meeting(
                id="meeting:a",
                convener="party:a",
                members=["branch:b", "post:g"],
                place="compound:a",
                frequency=Frequency.MONTHLY,
                day_of_month=10,
                name="Chamber",
                name_zh="议事厅",
            )
        ],
    )


def xinhe_doc() -> Doc:
    return to_popolo(examples.load("xinhe"), include_personal=True, reader=BACK_OFFICE)


def find(doc: Doc, list_name: str, record_id: str) -> tuple[int, Doc]:
    """The index and object of ``record_id`` in a Popolo list."""
    for index, item in enumerate(doc[list_name]):
        if item.get("id") == record_id:
            return index, item
    raise AssertionError(f"no {record_id} in {list_name}")


# -- the shipped schemas ------------------------------------------------------------


class TestSchemas:
    def test_every_ref_is_shipped(self) -> None:
        """Every `$ref` of the shipped schemas names a shipped schema (no network needed)."""
        shipped = {_schema_file(p.name)["id"] for p in SCHEMAS.glob("*.json")}
        refs = {s for p in SCHEMAS.glob("*.json") for s in _refs(_schema_file(p.name))}
        assert refs <= shipped

    def test_additional_properties_allowed(self) -> None:
        """No shipped schema closes its objects, so the "govmodel" key is schema-valid."""
        for path in SCHEMAS.glob("*.json"):
            assert "additionalProperties" not in json.dumps(_schema_file(path.name))

    def test_validation_is_not_vacuous(self) -> None:
        """The validators reject a bad date and a bad `$ref`'d item (other name without name)."""
        doc = xinhe_doc()
        doc["memberships"][0]["start_date"] = "1 January 2025"
        doc["organizations"][1]["other_names"] = [{"lang": "zh"}]
        errors = schema_errors(doc)
        assert len(errors) == 2
        assert errors[0].startswith("organizations[1]['other_names'][0]")
        assert errors[1].startswith("memberships[0]['start_date']")


def _refs(schema: object) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _refs(item)


# -- export -------------------------------------------------------------------------


class TestToPopolo:
    @pytest.mark.parametrize("name", examples.names())
    def test_examples_valid_and_round_trip(self, name: str) -> None:
        """Every bundled community exports schema-valid Popolo and reads back equal."""
        s = examples.load(name)
        doc = to_popolo(s)
        assert schema_errors(doc) == []
        assert from_popolo(doc) == s
        assert from_popolo(to_popolo(s, include_personal=True, reader=BACK_OFFICE)) == s
        assert from_popolo(json.loads(json.dumps(doc))) == s

    def test_lists_and_counts(self) -> None:
        """One area per place and grid, one organization per body, one membership per appointment.

        And one person per person, one post per post, ties and meetings in the extension.
        """
        s = examples.load("zhuanqiao")
        doc = to_popolo(s)
        records = s.records()
        assert set(doc) == {*POPOLO_LISTS, "govmodel"}
        assert len(doc["areas"]) == len(records["places"]) + len(records["grids"])
        assert len(doc["organizations"]) == len(records["bodies"])
        assert len(doc["persons"]) == len(records["people"])
        assert len(doc["posts"]) == len(records["posts"])
        assert len(doc["memberships"]) == len(records["appointments"])
        assert doc["govmodel"]["format"] == FORMAT
        assert len(doc["govmodel"]["ties"]) == len(records["ties"])
        assert len(doc["govmodel"]["meetings"]) == len(records["meetings"])

    def test_cross_appointment_is_several_memberships(self) -> None:
        """Chengxi's director holds 4 posts on 2025-06-01: 4 memberships of one person."""
        s = examples.load("chengxi")
        day = dt.date(2025, 6, 1)
        held = {p.id for p in s.posts_of("person:rc-director", at=day)}
        assert len(held) == 4
        memberships = [
            m
            for m in to_popolo(s)["memberships"]
            if m["person_id"] == "person:rc-director"
            and m["start_date"] <= day.isoformat()
            and ("end_date" not in m or day.isoformat() <= m["end_date"])
        ]
        assert len(memberships) == 4
        assert {m["post_id"] for m in memberships} == held

    def test_mapping_of_fields(self) -> None:
        """Kinds become classifications, parents parent_id, grids "grid:<level>" areas.

        A post in a grid gets area_id, and name_zh becomes an other name in Chinese.
        """
        doc = to_popolo(examples.load("xinhe"))
        _, compound = find(doc, "areas", "compound:wanda")
        assert compound["classification"] == "compound"
        assert compound["parent_id"] == "community:xinhe"
        _, grid = find(doc, "areas", "grid:wanda-a")
        assert grid["classification"] == "grid:micro"
        assert grid["parent_id"] == "grid:wanda"
        assert grid["govmodel"]["covers"]
        _, party = find(doc, "organizations", "party:xinhe")
        assert party["classification"] == "party_committee"
        assert party["area_id"] == "community:xinhe"
        assert party["other_names"] == [{"lang": "zh", "name": "新河社区党委"}]
        _, leader = find(doc, "posts", "post:grid-wanda-leader")
        assert leader == {
            "id": "post:grid-wanda-leader",
            "role": "grid_leader",
            "area_id": "grid:wanda",
        }

    def test_every_field_round_trips(self) -> None:
        """A structure that sets every field to a non-default value is valid and reads back.

        It is valid Popolo, not a whole community (it has no residents' committee),
        so it is read with ``validate=False``.
        """
        s = every_field()
        doc = to_popolo(s, include_personal=True, reader=BACK_OFFICE)
        assert schema_errors(doc) == []
        assert from_popolo(doc, validate=False) == s
        _, body = find(doc, "organizations", "branch:b")
        assert body["area_id"] == "compound:a"
        assert body["govmodel"] == {
            "jurisdiction": ["compound:a", "compound:b"],
            "grid": "grid:a",
            "domains": [],
        }
        assert doc["persons"][0]["other_names"] == [{"lang": "zh", "name": "王"}]
        assert doc["posts"][0]["other_label"] == ["支部书记"]
        assert doc["memberships"][0]["end_date"] == "2025-12-31"

    def test_names_only_when_asked(self) -> None:
        """Names appear in no string of the default export, and with include_personal=True."""
        s = with_people(
            examples.load("xinhe"),
            lambda i, p: attrs.evolve(p, name=f"Wang Xiaoming-{i:02}", name_zh=f"王小明{i:02}号"),
        )
        names = [n for p in s.people() for n in (p.name, p.name_zh)]
        default = list(strings(to_popolo(s)))
        personal = list(strings(to_popolo(s, include_personal=True, reader=BACK_OFFICE)))
        for name in names:
            assert not any(name in text for text in default)
            assert name in personal
        assert all(name not in dumps_popolo(s) for name in names)

    def test_input_not_changed(self) -> None:
        """Exporting twice gives equal documents; the structure is untouched."""
        s = examples.load("shagangwan")
        before = examples.load("shagangwan")
        assert to_popolo(s) == to_popolo(s)
        assert s == before

    @given(structures())
    def test_generated_round_trip(self, s: Structure) -> None:
        """Any valid structure, names included, is schema-valid Popolo and reads back equal."""
        doc = to_popolo(s, include_personal=True, reader=BACK_OFFICE)
        assert schema_errors(doc) == []
        assert from_popolo(doc) == s
        assert loads_popolo(dumps_popolo(s, include_personal=True, reader=BACK_OFFICE)) == s

    @given(structures())
    def test_generated_default_has_no_names(self, s: Structure) -> None:
        """The default export does not depend on people's names at all.

        It equals the export of the same structure with the names removed, and reads
        back as that structure.
        """
        doc = to_popolo(s)
        assert doc == to_popolo(anonymous(s), include_personal=True, reader=BACK_OFFICE)
        assert from_popolo(doc) == anonymous(s)
        for person in doc["persons"]:
            assert set(person) <= {"id", "govmodel"}


# -- import -------------------------------------------------------------------------


def _missing_classification(doc: Doc) -> str:
    i, org = find(doc, "organizations", "rc:xinhe")
    del org["classification"]
    return f"organizations[{i}].classification"


def _missing_id(doc: Doc) -> str:
    del doc["persons"][2]["id"]
    return "persons[2].id"


def _missing_person_id(doc: Doc) -> str:
    del doc["memberships"][3]["person_id"]
    return "memberships[3].person_id"


def _missing_start_date(doc: Doc) -> str:
    del doc["memberships"][1]["start_date"]
    return "memberships[1].start_date"


def _unknown_classification(doc: Doc) -> str:
    i, org = find(doc, "organizations", "oc:wanda")
    org["classification"] = "charity"
    return f"organizations[{i}].classification"


def _unknown_grid_level(doc: Doc) -> str:
    i, area = find(doc, "areas", "grid:wanda-b")
    area["classification"] = "grid:nano"
    return f"areas[{i}].classification"


def _unknown_role(doc: Doc) -> str:
    doc["posts"][4]["role"] = "mayor"
    return "posts[4].role"


def _unknown_domain(doc: Doc) -> str:
    i, org = find(doc, "organizations", "dept:fire")
    org["govmodel"]["domains"] = ["fire_safety", "weather"]
    return f"organizations[{i}].govmodel.domains[1]"


def _dangling_area_parent(doc: Doc) -> str:
    i, area = find(doc, "areas", "compound:wanda")
    area["parent_id"] = "community:nowhere"
    return f"areas[{i}].parent_id"


def _dangling_organization_parent(doc: Doc) -> str:
    i, org = find(doc, "organizations", "oc:wanda")
    org["parent_id"] = "party:nowhere"
    return f"organizations[{i}].parent_id"


def _parent_of_wrong_type(doc: Doc) -> str:
    i, org = find(doc, "organizations", "oc:wanda")
    org["parent_id"] = "compound:wanda"
    return f"organizations[{i}].parent_id"


def _grid_parent_is_place(doc: Doc) -> str:
    i, area = find(doc, "areas", "grid:wanda")
    area["parent_id"] = "community:xinhe"
    return f"areas[{i}].parent_id"


def _dangling_post(doc: Doc) -> str:
    doc["memberships"][5]["post_id"] = "post:nowhere"
    return "memberships[5].post_id"


def _dangling_covers(doc: Doc) -> str:
    i, area = find(doc, "areas", "grid:wanda-a")
    area["govmodel"]["covers"].append("building:nowhere")
    return f"areas[{i}].govmodel.covers[{len(area['govmodel']['covers']) - 1}]"


def _dangling_meeting_member(doc: Doc) -> str:
    doc["govmodel"]["meetings"][0]["members"][0] = "oc:nowhere"
    return "govmodel.meetings[0].members[0]"


def _dangling_tie(doc: Doc) -> str:
    doc["govmodel"]["ties"][2]["target"] = "rc:nowhere"
    return "govmodel.ties[2].target"


def _id_wrong_type(doc: Doc) -> str:
    doc["persons"][0]["id"] = 7
    return "persons[0].id"


def _households_wrong_type(doc: Doc) -> str:
    i, area = find(doc, "areas", "compound:wanda")
    area.setdefault("govmodel", {})["households"] = "1100"
    return f"areas[{i}].govmodel.households"


def _title_wrong_type(doc: Doc) -> str:
    i, area = find(doc, "areas", "compound:wanda")
    area.setdefault("govmodel", {})["title"] = "no"
    return f"areas[{i}].govmodel.title"


def _list_wrong_type(doc: Doc) -> str:
    doc["organizations"] = {"id": "party:xinhe"}
    return "organizations"


def _item_wrong_type(doc: Doc) -> str:
    doc["posts"][0] = "post:party-secretary"
    return "posts[0]"


def _name_wrong_type(doc: Doc) -> str:
    doc["organizations"][0]["name"] = ["Xinhua", "street office"]
    return "organizations[0].name"


def _seats_wrong_value(doc: Doc) -> str:
    i, post = find(doc, "posts", "post:rc-member")
    post["govmodel"]["seats"] = 0
    return f"posts[{i}].govmodel.seats"


def _partial_date(doc: Doc) -> str:
    doc["memberships"][0]["start_date"] = "2025"
    return "memberships[0].start_date"


def _impossible_date(doc: Doc) -> str:
    doc["memberships"][0]["end_date"] = "2025-02-30"
    return "memberships[0].end_date"


def _end_before_start(doc: Doc) -> str:
    doc["memberships"][0]["end_date"] = "2024-12-31"
    return "memberships[0].end_date"


def _membership_organization_disagrees(doc: Doc) -> str:
    assert doc["memberships"][0]["organization_id"] == "party:xinhe"
    doc["memberships"][0]["organization_id"] = "rc:xinhe"
    return "memberships[0].organization_id"


def _membership_area_for_body_post(doc: Doc) -> str:
    doc["memberships"][0]["area_id"] = "grid:xinhe"
    return "memberships[0].area_id"


def _post_in_both(doc: Doc) -> str:
    doc["posts"][0]["area_id"] = "grid:xinhe"
    return "posts[0]"


def _post_in_neither(doc: Doc) -> str:
    del doc["posts"][0]["organization_id"]
    return "posts[0]"


def _duplicate_id(doc: Doc) -> str:
    doc["persons"][1]["id"] = "party:xinhe"
    return "persons[1].id"


def _unknown_key(doc: Doc) -> str:
    doc["organizations"][2]["founding_date"] = "2001"
    return "organizations[2].founding_date"


def _unknown_extension_key(doc: Doc) -> str:
    doc["areas"][0]["govmodel"] = {"colour": "red"}
    return "areas[0].govmodel.colour"


def _unknown_top_level_key(doc: Doc) -> str:
    doc["events"] = []
    return "events"


def _other_language(doc: Doc) -> str:
    doc["organizations"][1]["other_names"][0]["lang"] = "en"
    return "organizations[1].other_names[0].lang"


def _two_chinese_names(doc: Doc) -> str:
    doc["organizations"][1]["other_names"].append({"lang": "zh", "name": "党委"})
    return "organizations[1].other_names[1]"


def _department_without_domains(doc: Doc) -> str:
    i, org = find(doc, "organizations", "dept:power")
    del org["govmodel"]
    return f"organizations[{i}].govmodel.domains"


def _area_disagrees_with_jurisdiction(doc: Doc) -> str:
    i, org = find(doc, "organizations", "rc:xinhe")
    org.setdefault("govmodel", {})["jurisdiction"] = ["compound:wanda", "community:xinhe"]
    return f"organizations[{i}].area_id"


def _wrong_format(doc: Doc) -> str:
    doc["govmodel"]["format"] = "govmodel-popolo/9"
    return "govmodel.format"


def _duplicate_tie(doc: Doc) -> str:
    ties = doc["govmodel"]["ties"]
    ties.append(dict(ties[1]))
    return f"govmodel.ties[{len(ties) - 1}]"


def _self_tie(doc: Doc) -> str:
    tie = doc["govmodel"]["ties"][0]
    tie["target"] = tie["source"]
    return "govmodel.ties[0].target"


def _meeting_day_out_of_range(doc: Doc) -> str:
    doc["govmodel"]["meetings"][0]["day_of_month"] = 32
    return "govmodel.meetings[0].day_of_month"


BAD_INPUTS = [
    _missing_classification,
    _missing_id,
    _missing_person_id,
    _missing_start_date,
    _unknown_classification,
    _unknown_grid_level,
    _unknown_role,
    _unknown_domain,
    _dangling_area_parent,
    _dangling_organization_parent,
    _parent_of_wrong_type,
    _grid_parent_is_place,
    _dangling_post,
    _dangling_covers,
    _dangling_meeting_member,
    _dangling_tie,
    _id_wrong_type,
    _households_wrong_type,
    _title_wrong_type,
    _list_wrong_type,
    _item_wrong_type,
    _name_wrong_type,
    _seats_wrong_value,
    _partial_date,
    _impossible_date,
    _end_before_start,
    _membership_organization_disagrees,
    _membership_area_for_body_post,
    _post_in_both,
    _post_in_neither,
    _duplicate_id,
    _unknown_key,
    _unknown_extension_key,
    _unknown_top_level_key,
    _other_language,
    _two_chinese_names,
    _department_without_domains,
    _area_disagrees_with_jurisdiction,
    _wrong_format,
    _duplicate_tie,
    _self_tie,
    _meeting_day_out_of_range,
]


class TestFromPopolo:
    @pytest.mark.parametrize("corrupt", BAD_INPUTS, ids=lambda f: f.__name__.strip("_"))
    def test_bad_input_located(self, corrupt: Callable[[Doc], str]) -> None:
        """Each defect raises InteropError at its location, saying what was found."""
        doc = xinhe_doc()
        location = corrupt(doc)
        with pytest.raises(InteropError) as info:
            from_popolo(doc)
        assert info.value.location == location
        assert str(info.value).startswith(f"{location}: ")
        assert "found" in info.value.message

    def test_messages(self) -> None:
        """Messages name what was expected and what was found."""
        doc = xinhe_doc()
        _unknown_classification(doc)
        with pytest.raises(
            InteropError,
            match=r'expected one of "party_working_committee".*'
            r'found "charity"',
        ):
            from_popolo(doc)
        doc = xinhe_doc()
        _dangling_area_parent(doc)
        with pytest.raises(
            InteropError,
            match=r"expected the id of a place, found no such id "
            r'"community:nowhere"',
        ):
            from_popolo(doc)
        doc = xinhe_doc()
        _partial_date(doc)
        with pytest.raises(InteropError, match=r'expected a full date YYYY-MM-DD.*found "2025"'):
            from_popolo(doc)

    def test_not_a_document(self) -> None:
        """A value that is not an object is refused at the top."""
        with pytest.raises(InteropError) as info:
            from_popolo([])  # type: ignore[arg-type]
        assert info.value.location == ""
        assert "found a list" in str(info.value)

    def test_empty_document(self) -> None:
        """Missing lists mean no records: an empty document is an empty structure."""
        assert from_popolo({}) == Structure()

    def test_nulls_are_absent(self) -> None:
        """Popolo's null counts as absent, for optional keys."""
        doc = xinhe_doc()
        doc["areas"][0]["parent_id"] = None
        doc["memberships"][0]["end_date"] = None
        doc["posts"][0]["label"] = None
        assert from_popolo(doc) == examples.load("xinhe")

    def test_input_not_changed(self) -> None:
        """Importing does not change the document."""
        doc = xinhe_doc()
        before = copy.deepcopy(doc)
        from_popolo(doc)
        assert doc == before

    @given(data=st.data())
    def test_only_interop_errors(self, data: st.DataObject) -> None:
        """Any value of a document replaced or deleted: a structure or an InteropError.

        Never a KeyError, TypeError or any other exception from inside.
        """
        doc = xinhe_doc()
        paths = list(_paths(doc))
        path = data.draw(st.sampled_from(paths))
        json_values = st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=5,
        )
        if data.draw(st.booleans()):
            _delete(doc, path)
        else:
            _set(doc, path, data.draw(json_values | st.sampled_from(list(strings(doc)))))
        with contextlib.suppress(InteropError):
            from_popolo(doc)


def _paths(value: object, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _set(doc: Doc, path: tuple[str | int, ...], value: object) -> None:
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _delete(doc: Doc, path: tuple[str | int, ...]) -> None:
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]


# -- JSON text ----------------------------------------------------------------------


class TestDumpsLoads:
    def test_round_trip_text(self) -> None:
        """JSON text round-trips and keeps Chinese as is."""
        s = examples.load("zhuanqiao")
        text = dumps_popolo(s)
        assert "砖桥" in text
        assert text.endswith("\n")
        assert loads_popolo(text) == s
        assert json.loads(text) == to_popolo(s)

    def test_syntax_error(self) -> None:
        """Text that is not JSON raises InteropError with line and column."""
        with pytest.raises(InteropError, match="line 2 column"):
            loads_popolo('{"areas": [],\n ]')

    def test_repeated_key(self) -> None:
        """A key given twice in one object is an error, not a silent overwrite."""
        with pytest.raises(InteropError, match='found "areas" twice'):
            loads_popolo('{"areas": [], "areas": []}')

    def test_not_an_object(self) -> None:
        """JSON text whose top value is not an object is refused."""
        with pytest.raises(InteropError, match="expected a Popolo document"):
            loads_popolo("[]")
