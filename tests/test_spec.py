"""Tests for `govmodel.spec`: reading and writing specs, and what is reported."""

import builtins
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govmodel
from govmodel import (
    GovModelError,
    MissingExtraError,
    SpecError,
    SpecProblem,
    Structure,
    examples,
)
from govmodel.spec import _json_text, make_converter
from govmodel.strategies import structures

Spec = dict[str, Any]


def tiny() -> Spec:
    """A minimal valid spec: one community with its two committees and grid."""
    return {
        "schema": "govmodel/1",
        "name": "tiny",
        "places": [{"id": "community:a", "kind": "community"}],
        "grids": [{"id": "grid:a", "level": "community", "covers": ["community:a"]}],
        "bodies": [
            {"id": "party:a", "kind": "party_committee", "jurisdiction": ["community:a"]},
            {"id": "rc:a", "kind": "residents_committee", "jurisdiction": ["community:a"]},
        ],
        "ties": [{"kind": "leads", "source": "party:a", "target": "rc:a"}],
        "people": [{"id": "person:a"}],
        "posts": [{"id": "post:a", "role": "grid_leader", "in": "grid:a"}],
        "appointments": [{"person": "person:a", "post": "post:a", "start": "2025-01-01"}],
    }


def problems_of(spec: object) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as info:
        govmodel.load(spec)  # type: ignore[arg-type]
    return [(p.location, p.code) for p in info.value.problems]


class TestLoadMapping:
    def test_tiny_loads(self) -> None:
        """The minimal spec loads and validates clean."""
        s = govmodel.load(tiny())
        assert govmodel.validate(s) == ()
        assert s.node("post:a").within == "grid:a"  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (lambda s: s["places"][0].pop("kind"), ("places[0].kind", "missing-key")),
            (lambda s: s["places"][0].update(colour="red"), ("places[0].colour", "unknown-key")),
            (
                lambda s: s["places"][0].update(households="9"),
                ("places[0].households", "wrong-type"),
            ),
            (
                lambda s: s["places"][0].update(households=True),
                ("places[0].households", "wrong-type"),
            ),
            (
                lambda s: s["places"][0].update(households=2.5),
                ("places[0].households", "wrong-type"),
            ),
            (lambda s: s["places"][0].update(title="yes"), ("places[0].title", "wrong-type")),
            (lambda s: s["places"][0].update(kind="palace"), ("places[0].kind", "unknown-value")),
            (lambda s: s["posts"][0].update(role="emperor"), ("posts[0].role", "unknown-value")),
            (
                lambda s: s["grids"][0].update(covers="community:a"),
                ("grids[0].covers", "wrong-type"),
            ),
            (
                lambda s: s["grids"][0].update(covers=["community:z"]),
                ("grids[0].covers[0]", "dangling-reference"),
            ),
            (
                lambda s: s["posts"][0].update({"in": "community:a"}),
                ("posts[0].in", "wrong-reference"),
            ),
            (lambda s: s["people"].append({"id": "rc:a"}), ("people[1].id", "duplicate-id")),
            (
                lambda s: s["appointments"][0].update(start="2025-02-30"),
                ("appointments[0].start", "bad-date"),
            ),
            (
                lambda s: s["appointments"][0].update(start="1 May 2025"),
                ("appointments[0].start", "bad-date"),
            ),
            (
                lambda s: s["appointments"][0].update(end="2024-01-01"),
                ("appointments[0].end", "invalid-value"),
            ),
            (
                lambda s: s["places"][0].update(households=-1),
                ("places[0].households", "invalid-value"),
            ),
            (lambda s: s.update(colour="red"), ("colour", "unknown-key")),
            (lambda s: s.pop("schema"), ("schema", "missing-key")),
            (lambda s: s.update(schema="govmodel/2"), ("schema", "unknown-value")),
            (lambda s: s.update(places={"id": "x"}), ("places", "wrong-type")),
            (lambda s: s["places"].append("community:b"), ("places[1]", "wrong-type")),
            (lambda s: s.update(name=["a"]), ("name", "wrong-type")),
            (lambda s: s["ties"].append(dict(s["ties"][0])), ("ties[1]", "duplicate-tie")),
        ],
    )
    def test_each_problem_located(
        self, change: Callable[[Spec], object], expected: tuple[str, str]
    ) -> None:
        """Each kind of defect is reported at its location with its code."""
        spec = tiny()
        change(spec)
        assert expected in problems_of(spec)

    def test_all_problems_at_once(self) -> None:
        """Problems in different records are all reported in one SpecError, in spec order."""
        spec = tiny()
        spec["places"][0]["households"] = "many"
        spec["posts"][0]["role"] = "emperor"
        spec["appointments"][0]["person"] = "person:ghost"
        assert problems_of(spec) == [
            ("places[0].households", "wrong-type"),
            ("posts[0].role", "unknown-value"),
            ("appointments[0].person", "dangling-reference"),
        ]

    def test_references_checked_inside_unreadable_records(self) -> None:
        """A record that fails to load still has its references checked."""
        spec = tiny()
        spec["appointments"][0].update(start="soon", person="person:ghost")
        assert set(problems_of(spec)) == {
            ("appointments[0].start", "bad-date"),
            ("appointments[0].person", "dangling-reference"),
        }

    def test_messages_say_expected_and_found(self) -> None:
        """Messages name what was expected and what was found."""
        spec = tiny()
        spec["places"][0]["kind"] = "palace"
        with pytest.raises(SpecError) as info:
            govmodel.load(spec)
        (problem,) = info.value.problems
        assert problem.message.startswith(
            'unknown kind "palace"; expected one of street, community'
        )

    def test_not_a_mapping(self) -> None:
        """A document that is not a table is one clear problem."""
        assert problems_of_text("[1, 2]", "json") == [("", "wrong-type")]

    def test_nothing_silently_changed(self) -> None:
        """Strings are never turned into numbers, nor a string into a list of letters."""
        spec = tiny()
        spec["places"][0]["households"] = "12"
        spec["grids"][0]["covers"] = "ab"
        codes = dict(problems_of(spec))
        assert codes == {"places[0].households": "wrong-type", "grids[0].covers": "wrong-type"}

    def test_validation_errors_raise_with_location(self) -> None:
        """Load raises for validation errors, located at the record concerned."""
        spec = tiny()
        spec["places"].append({"id": "compound:b", "kind": "compound", "parent": "community:a"})
        assert ("places[1]", "grid.gap") in problems_of(spec)

    def test_warnings_do_not_raise(self) -> None:
        """Warnings are returned by validate, not raised by load."""
        spec = tiny()
        spec["places"].append({"id": "compound:b", "kind": "compound", "parent": "community:a"})
        spec["grids"].append(
            {"id": "grid:b", "level": "compound", "parent": "grid:a", "covers": ["compound:b"]}
        )
        s = govmodel.load(spec)
        assert [v.code for v in govmodel.validate(s)] == ["compound.no-owners-committee"]

    def test_validate_false_skips_rules(self) -> None:
        """validate=False loads a structure that breaks whole-structure rules."""
        spec = tiny()
        del spec["grids"]
        spec["posts"] = []
        spec["appointments"] = []
        assert govmodel.load(spec, validate=False).grids() == ()


def problems_of_text(text: str, fmt: str) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as info:
        govmodel.loads(text, format=fmt)  # type: ignore[arg-type]
    return [(p.location, p.code) for p in info.value.problems]


class TestFiles:
    @pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml", ".yml"])
    def test_dump_load_each_format(self, tmp_path: Path, suffix: str) -> None:
        """Dump then load gives back an equal structure in every format."""
        s = examples.load("xinhe")
        path = tmp_path / f"xinhe{suffix}"
        govmodel.dump(s, path)
        assert govmodel.load(path) == s

    def test_toml_dates_are_native(self) -> None:
        """TOML output writes dates as TOML dates, not strings."""
        text = govmodel.dumps(examples.load("xinhe"), format="toml")
        assert "start = 2025-01-01" in text

    def test_toml_datetime_is_a_bad_date(self) -> None:
        """A TOML date-time where a date is expected is reported, not truncated."""
        text = govmodel.dumps(govmodel.load(tiny()), format="toml").replace(
            "start = 2025-01-01", "start = 2025-01-01T08:00:00"
        )
        assert ("appointments[0].start", "bad-date") in problems_of_text(text, "toml")

    @pytest.mark.parametrize(
        ("text", "fmt"),
        [("schema = ", "toml"), ('{"schema": ', "json"), ("schema: [unclosed", "yaml")],
    )
    def test_syntax_errors(self, text: str, fmt: str) -> None:
        """Unparseable text is a syntax problem, not a parser's traceback."""
        assert problems_of_text(text, fmt) == [("", "syntax")]

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is reported as unreadable."""
        assert problems_of(tmp_path / "none.toml") == [("", "unreadable")]

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file that is not UTF-8 is reported as unreadable."""
        path = tmp_path / "latin.json"
        path.write_bytes(b'{"name": "caf\xe9"}')
        assert problems_of(path) == [("", "unreadable")]

    def test_unknown_suffix(self, tmp_path: Path) -> None:
        """Only .toml, .json, .yaml and .yml are read."""
        path = tmp_path / "spec.ini"
        path.write_text("x")
        assert problems_of(path) == [("", "unknown-format")]
        with pytest.raises(SpecError, match="cannot write"):
            govmodel.dump(examples.load("xinhe"), path)

    def test_yaml_without_pyyaml(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without PyYAML, YAML gives a clear message naming the extra."""
        real_import = builtins.__import__

        def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "yaml":
                raise ImportError("no yaml")
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", fake_import)
        with pytest.raises(MissingExtraError, match=r"pip install 'govmodel\[yaml\]'") as info:
            govmodel.loads("schema: govmodel/1", format="yaml")
        assert isinstance(info.value, ImportError)
        assert isinstance(info.value, GovModelError)


class TestDumpsDefault:
    def test_json_without_format(self) -> None:
        """dumps writes JSON when no format is given, and loads reads it back the same way."""
        s = examples.load("xinhe")
        assert govmodel.dumps(s) == govmodel.dumps(s, format="json")
        assert govmodel.loads(govmodel.dumps(s)) == s


class TestToDict:
    def test_plain_values(self) -> None:
        """to_dict gives JSON-ready values: strings for enums and dates, lists for tuples."""
        d = govmodel.to_dict(examples.load("xinhe"))
        json.dumps(d)  # raises if anything is not plain
        assert d["appointments"][0]["start"] == "2025-01-01"
        assert isinstance(d["grids"][0]["covers"], list)

    def test_defaults_omitted(self) -> None:
        """Fields at their default are left out, so specs stay short."""
        d = govmodel.to_dict(govmodel.load(tiny()))
        assert d["places"] == [{"id": "community:a", "kind": "community"}]

    def test_post_in_key(self) -> None:
        """A post's owner is written `in`, as in the spec format."""
        d = govmodel.to_dict(govmodel.load(tiny()))
        assert d["posts"] == [{"id": "post:a", "role": "grid_leader", "in": "grid:a"}]


class TestConverter:
    def test_converters_are_separate(self) -> None:
        """Each call makes a new converter; the global cattrs converter is untouched."""
        import cattrs

        assert make_converter() is not make_converter()
        assert cattrs.global_converter.unstructure(dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)

    def test_native_dates(self) -> None:
        """The TOML converter keeps dates as dates."""
        assert make_converter(dates="native").unstructure(dt.date(2025, 1, 1)) == dt.date(
            2025, 1, 1
        )
        assert make_converter().unstructure(dt.date(2025, 1, 1)) == "2025-01-01"


class TestBadCalls:
    def test_unknown_format(self) -> None:
        """loads with an unknown format, or bytes, is a SpecError."""
        assert problems_of_text("x", "xml") == [("", "unknown-format")]
        with pytest.raises(SpecError):
            govmodel.loads(b"schema = 1", format="toml")  # type: ignore[arg-type]

    def test_dump_unknown_suffix_is_govmodel_error(self, tmp_path: Path) -> None:
        """dump to an unknown suffix raises a GovModelError."""
        with pytest.raises(GovModelError):
            govmodel.dump(examples.load("xinhe"), tmp_path / "x.xml")

    def test_dump_unknown_suffix_is_spec_error(self, tmp_path: Path) -> None:
        """dump to an unknown suffix raises a SpecError, as load does, and writes nothing."""
        path = tmp_path / "x.xml"
        with pytest.raises(SpecError) as info:
            govmodel.dump(examples.load("xinhe"), path)
        assert info.value.message == f"{path}: cannot write"
        assert [(p.location, p.code) for p in info.value.problems] == [("path", "unknown-format")]
        assert str(info.value.problems[0]) == (
            "path: expected a file ending in .toml, .json, .yaml or .yml, found 'x.xml'"
        )
        assert not path.exists()

    def test_dumps_unknown_format_is_spec_error(self) -> None:
        """dumps with an unknown format raises a SpecError whose one problem names the format."""
        with pytest.raises(SpecError) as info:
            govmodel.dumps(examples.load("xinhe"), format="xml")  # type: ignore[arg-type]
        assert info.value.message == "spec: cannot write"
        assert [(p.location, p.code) for p in info.value.problems] == [("format", "unknown-format")]
        assert str(info.value.problems[0]) == (
            'format: expected "toml", "json" or "yaml", found \'xml\''
        )

    def test_dumps_problem_caught_by_except_star(self) -> None:
        """The SpecError of dumps splits with except* like that of load."""
        caught: list[SpecProblem] = []
        try:
            govmodel.dumps(examples.load("xinhe"), format="ini")  # type: ignore[arg-type]
        except* SpecProblem as group:
            caught.extend(p for p in group.exceptions if isinstance(p, SpecProblem))
        assert [p.code for p in caught] == ["unknown-format"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.tuples(st.integers()),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text() | st.integers(), children, max_size=4)
    ),
    max_leaves=20,
)


class TestJsonText:
    """dumps(format="json") writes exactly what json.dumps(indent=2) would, faster."""

    @given(json_values)
    def test_any_value_as_json_dumps_writes_it(self, value: Any) -> None:
        """Any JSON-like value comes out character for character as json.dumps makes it."""
        assert _json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)

    @pytest.mark.parametrize("name", examples.names())
    def test_bundled_specs(self, name: str) -> None:
        """Each bundled spec's JSON text is json.dumps's."""
        s = examples.load(name)
        expected = json.dumps(govmodel.to_dict(s), ensure_ascii=False, indent=2) + "\n"
        assert govmodel.dumps(s, format="json") == expected

    @given(structures())
    def test_generated_specs(self, s: Structure) -> None:
        """So is every generated structure's."""
        expected = json.dumps(govmodel.to_dict(s), ensure_ascii=False, indent=2) + "\n"
        assert govmodel.dumps(s, format="json") == expected
