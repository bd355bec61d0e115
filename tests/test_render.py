"""Tests for `govmodel.interop.render`: Mermaid, DOT, and SVG/PNG through Graphviz."""

from __future__ import annotations

import itertools
import pickle
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

from govmodel import (
    BACK_OFFICE,
    GovModelError,
    Structure,
    UnknownNodeError,
    examples,
    load,
    to_dict,
)
from govmodel.errors import InteropError
from govmodel.interop.render import (
    FONT,
    GraphvizError,
    GraphvizNotFoundError,
    render,
    to_dot,
    to_mermaid,
)
from govmodel.model import Body, Grid, Place
from govmodel.strategies import structures

DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(
    DOT is None,
    reason="Graphviz's dot is not installed (Debian: apt-get install graphviz fonts-noto-cjk)",
)
SVG = "{http://www.w3.org/2000/svg}"


def named(structure: Structure) -> Structure:
    """The structure with a (made-up) name on every person: personal data to leak."""
    people = [
        attrs.evolve(p, name=f"Resident Wang {i}", name_zh=f"王秀英{i}")
        for i, p in enumerate(structure.people())
    ]
    return structure.evolve(people=people)


def dot_nodes(text: str) -> set[str]:
    """The ids of the nodes a DOT chart declares."""
    return set(re.findall(r'^\s*"((?:[^"\\]|\\.)*)" \[label=', text, re.M))


def mermaid_nodes(text: str) -> set[str]:
    """The record ids of the nodes a Mermaid chart declares (each after a %% comment)."""
    lines = text.splitlines()
    return {
        line.strip()[3:]
        for line, after in itertools.pairwise(lines)
        if line.strip().startswith("%% ") and re.match(r"\s*n\d+\W", after)
    }


def places_and_bodies(s: Structure) -> set[str]:
    return {p.id for p in s.places()} | {b.id for b in s.bodies()}


@pytest.fixture(scope="module")
def chengxi() -> Structure:
    return examples.load("chengxi")


class TestToMermaid:
    @pytest.mark.parametrize("name", examples.names())
    def test_every_place_and_body(self, name: str) -> None:
        """The chart of a community names every place and body by its record id."""
        s = examples.load(name)
        assert places_and_bodies(s) <= mermaid_nodes(to_mermaid(s))

    @pytest.mark.parametrize("name", examples.names())
    def test_shape(self, name: str) -> None:
        """Front matter with the title, a flowchart, balanced subgraphs, safe node ids."""
        s = examples.load(name)
        text = to_mermaid(s)
        lines = text.splitlines()
        assert lines[:4] == ["---", f'title: "{s.name_zh} · {s.name}"', "---", "flowchart LR"]
        opened = sum(1 for line in lines if line.strip().startswith("subgraph "))
        closed = sum(1 for line in lines if line.strip() == "end")
        assert opened == closed > 0
        declared = re.findall(r"^\s*(n\d+)[\[(>{]", text, re.M)
        assert len(declared) == len(set(declared))
        links = [line for line in lines if re.match(r"\s*n\d+ [-=.]", line)]
        link = r"\s*n\d+ (---|-->|==>|-\.->|-\.-)(\|[^|]+\|)? n\d+"
        assert all(re.fullmatch(link, line) for line in links)

    def test_no_person_name_unless_asked(self) -> None:
        """People appear by id; their names only with include_personal=True."""
        s = named(examples.load("xinhe"))
        for people in ("cross", "all"):
            text = to_mermaid(s, people=people)
            assert "王秀英" not in text
            assert "Resident Wang" not in text
            assert "person:secretary" in text
        assert "王秀英" in to_mermaid(s, include_personal=True, reader=BACK_OFFICE)

    def test_names_are_escaped(self) -> None:
        """Quotes, brackets and # in names cannot break out of a Mermaid label."""
        s = examples.load("xinhe")
        odd = attrs.evolve(s.body("rc:xinhe"), name='A "quoted" <b>#1</b> & `co`]')
        bodies = [odd if b.id == "rc:xinhe" else b for b in s.bodies()]
        text = to_mermaid(s.evolve(bodies=bodies))
        line = next(line for line in text.splitlines() if "#quot;quoted#quot;" in line)
        assert '"' not in line.split('("', 1)[1].rsplit('")', 1)[0]
        assert "#lt;b#gt;#35;1#lt;/b#gt; #amp; #96;co#96;]" in line

    def test_ties_are_labelled(self) -> None:
        """Leadership and supervision ties carry their kind as the link label."""
        text = to_mermaid(examples.load("xinhe"))
        assert "==>|leads|" in text
        assert "==>|supervises|" in text
        assert "-.-|partners|" in text

    @given(structures())
    @settings(max_examples=20)
    def test_any_structure(self, s: Structure) -> None:
        """Any valid structure gives a chart naming every place and body."""
        assert places_and_bodies(s) <= mermaid_nodes(to_mermaid(s, people="all"))


class TestToDot:
    @pytest.mark.parametrize("name", examples.names())
    def test_every_place_and_body(self, name: str) -> None:
        """The chart of a community declares every place and body as a node."""
        s = examples.load(name)
        assert places_and_bodies(s) <= dot_nodes(to_dot(s))

    def test_cjk_font_and_names(self) -> None:
        """Labels give the Chinese name and the English one, in a CJK font."""
        text = to_dot(examples.load("xinhe"))
        assert f'fontname="{FONT},' in text
        assert FONT == "Noto Sans CJK SC"
        line = next(line for line in text.splitlines() if line.strip().startswith('"pm:cxh"'))
        assert "万达华府诚信行物业" in line
        assert "Chengxinhang property" in line

    def test_no_person_name_unless_asked(self) -> None:
        """People appear by id; their names only with include_personal=True."""
        s = named(examples.load("chengxi"))
        text = to_dot(s, people="all")
        assert "王秀英" not in text
        assert "Resident Wang" not in text
        assert {p.id for p in s.people()} <= dot_nodes(text)
        assert "王秀英" in to_dot(s, people="all", include_personal=True, reader=BACK_OFFICE)

    def test_cross_appointments_highlighted(self, chengxi: Structure) -> None:
        """People with 2+ posts are drawn amber, with thick amber holds edges; others not drawn."""
        text = to_dot(chengxi)
        cross = {p.id for p in chengxi.people() if len(chengxi.posts_of(p.id)) > 1}
        drawn = {n for n in dot_nodes(text) if n.startswith("person:")}
        assert drawn == cross
        for person in cross:
            line = next(
                line for line in text.splitlines() if line.strip().startswith(f'"{person}"')
            )
            assert 'fillcolor="#ffca28"' in line
            assert f"兼任 {len(chengxi.posts_of(person))} posts" in line
        holds = [line for line in text.splitlines() if re.search(r'-> "person:', line)]
        assert holds
        assert all('color="#e65100"' in line and "penwidth=2.2" in line for line in holds)

    def test_people_option(self, chengxi: Structure) -> None:
        """people="all" draws every holder, people="none" nobody."""
        everyone = {p.id for p in chengxi.people()}
        assert {n for n in dot_nodes(to_dot(chengxi, people="all")) if n in everyone} == everyone
        assert not dot_nodes(to_dot(chengxi, people="none")) & everyone

    def test_posts_nobody_drawn_holds_are_folded(self, chengxi: Structure) -> None:
        """A post whose holders are not drawn is a line of its grid's label, not a node."""
        text = to_dot(chengxi)
        assert "post:grid-a-1-worker" not in dot_nodes(text)
        line = next(line for line in text.splitlines() if line.strip().startswith('"grid:a-1"'))
        assert "微网格员" in line
        assert "post:grid-a-1-worker" in dot_nodes(to_dot(chengxi, people="all"))

    @given(structures())
    @settings(max_examples=20)
    def test_any_structure(self, s: Structure) -> None:
        """Any valid structure gives a chart declaring every place and body."""
        assert places_and_bodies(s) <= dot_nodes(to_dot(s, people="all"))


class TestFocus:
    def test_compound_holds_its_buildings_only(self, chengxi: Structure) -> None:
        """A compound's chart has its buildings and grids, not another compound's."""
        for text, nodes in (
            (t := to_dot(chengxi, focus="compound:a"), dot_nodes(t)),
            (m := to_mermaid(chengxi, focus="compound:a"), mermaid_nodes(m)),
        ):
            buildings = {p.id for p in chengxi.children("compound:a")}
            assert buildings <= nodes
            assert {"compound:a", "grid:a", "grid:a-1", "pm:a", "oc:a", "party:pm-a"} <= nodes
            assert not {n for n in nodes if n.startswith(("building:b", "building:c"))}
            assert not {"compound:b", "compound:c", "grid:b", "pm:b", "oc:c"} & nodes
            assert "compound:b" not in text

    def test_leadership_from_outside_is_drawn_dashed(self) -> None:
        """Who leads a body of the focus is drawn too, dashed, outside the focus."""
        text = to_dot(examples.load("xinhe"), focus="compound:wanda")
        line = next(line for line in text.splitlines() if line.strip().startswith('"party:xinhe"'))
        assert "dashed" in line
        assert '"party:xinhe" -> "oc:wanda"' in text

    def test_community(self) -> None:
        """A community's chart has its compounds and not the other communities'."""
        s = examples.load("lianhua")
        nodes = dot_nodes(to_dot(s, focus="community:fuzhong"))
        assert {"community:fuzhong", "compound:shenye-garden", "rc:fuzhong"} <= nodes
        assert not {n for n in nodes if "jinghua" in n or "meifu" in n}

    def test_unknown_focus(self) -> None:
        """Focusing on an id that is no place is an UnknownNodeError."""
        s = examples.load("xinhe")
        with pytest.raises(UnknownNodeError, match='no place to focus on "compound:nowhere"'):
            to_dot(s, focus="compound:nowhere")
        with pytest.raises(UnknownNodeError, match='"rc:xinhe"'):
            to_mermaid(s, focus="rc:xinhe")


class TestLayer:
    def test_party(self, chengxi: Structure) -> None:
        """The party layer: party organisations and what their ties reach; no buildings."""
        nodes = dot_nodes(to_dot(chengxi, layer="party"))
        party = {b.id for b in chengxi.bodies() if b.kind.is_party}
        assert party <= nodes
        assert {"rc:chengxi", "pm:a", "oc:b", "grid:a"} <= nodes  # led, embedded in
        assert not {n for n in nodes if n.startswith(("building:", "compound:"))}
        assert "dept:police" not in nodes

    def test_party_of_a_compound(self) -> None:
        """A compound's party layer shows the party committee that leads its bodies."""
        nodes = dot_nodes(to_dot(examples.load("xinhe"), focus="compound:wanda", layer="party"))
        assert {"party:xinhe", "oc:wanda", "pm:cxh"} <= nodes
        assert not {"rc:xinhe", "mediation:xinhexin", "grid:wanda"} & nodes

    def test_grid(self, chengxi: Structure) -> None:
        """The grid layer: every grid, the places they cover, their posts; no bodies."""
        text = to_dot(chengxi, layer="grid")
        nodes = dot_nodes(text)
        assert {g.id for g in chengxi.grids()} <= nodes
        assert {"building:a-1", "compound:b"} <= nodes
        assert not {n for n in nodes if isinstance(chengxi.node(n), Body)}
        assert "网格长" in text

    def test_bodies(self) -> None:
        """The bodies layer: every body and meeting, their ties; no grids or places."""
        s = examples.load("lianhua")
        nodes = dot_nodes(to_dot(s, layer="bodies"))
        assert {b.id for b in s.bodies()} | {m.id for m in s.meetings()} <= nodes
        assert not {n for n in nodes if isinstance(s.node(n), Grid | Place)}

    def test_layer_and_focus(self) -> None:
        """A layer of one compound."""
        s = examples.load("xinhe")
        nodes = dot_nodes(to_dot(s, focus="compound:wanda", layer="grid"))
        assert {"grid:wanda", "grid:wanda-a", "grid:wanda-b", "building:wanda-1"} <= nodes
        assert "grid:xinhe" not in nodes

    def test_unknown_layer_or_people(self) -> None:
        """A layer or people value outside the vocabulary is an InteropError."""
        s = examples.load("xinhe")
        with pytest.raises(InteropError, match=r"^layer: expected"):
            to_dot(s, layer="people")  # type: ignore[arg-type]
        with pytest.raises(InteropError, match=r"^people: expected"):
            to_mermaid(s, people="some")  # type: ignore[arg-type]


class TestRender:
    @needs_dot
    @pytest.mark.parametrize("name", examples.names())
    def test_every_example_renders_to_svg(self, tmp_path: Path, name: str) -> None:
        """Each bundled community draws as valid SVG showing its Chinese name."""
        s = examples.load(name)
        path = render(s, tmp_path / f"{name}.svg")
        assert path == tmp_path / f"{name}.svg"
        root = ET.parse(path).getroot()
        assert root.tag == f"{SVG}svg"
        texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
        assert s.name_zh in texts
        assert FONT in path.read_text(encoding="utf-8")

    @needs_dot
    def test_png(self, tmp_path: Path) -> None:
        """format="png" writes a PNG."""
        path = render(examples.load("zhuanqiao"), tmp_path / "z.png", format="png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    @needs_dot
    def test_focus_and_layer(self, tmp_path: Path) -> None:
        """The options reach the drawing."""
        path = render(
            examples.load("chengxi"), tmp_path / "a.svg", focus="compound:a", layer="grid"
        )
        texts = {t.text for t in ET.parse(path).getroot().iter(f"{SVG}text")}
        assert "Building A-1" in texts
        assert "Building B-1" not in texts

    @needs_dot
    @given(structures(max_communities=1))
    @settings(max_examples=8)
    def test_any_structure_renders(
        self, tmp_path_factory: pytest.TempPathFactory, s: Structure
    ) -> None:
        """Names of any text give DOT that Graphviz accepts."""
        path = render(
            named(s),
            tmp_path_factory.mktemp("svg") / "s.svg",
            include_personal=True,
            reader=BACK_OFFICE,
        )
        ET.parse(path)

    @needs_dot
    @pytest.mark.parametrize("name", ["", " ", "\n", "A\x01B", "A\ufffeB", "\x85"])
    def test_names_xml_cannot_hold_still_render(self, tmp_path: Path, name: str) -> None:
        """A blank name, or one with characters XML 1.0 cannot hold, still draws."""
        s = examples.load("xinhe")
        spec = to_dict(s)
        spec["name"] = name
        spec["bodies"][0]["name"] = name
        path = render(load(spec), tmp_path / "s.svg")
        ET.parse(path)

    def test_missing_dot_path(self, tmp_path: Path) -> None:
        """A dot program that is not there is a clear GovModelError, not a raw OSError."""
        with pytest.raises(GraphvizNotFoundError) as info:
            render(examples.load("xinhe"), tmp_path / "x.svg", dot="/nonexistent/dot")
        err = info.value
        assert isinstance(err, GovModelError)
        assert isinstance(err, FileNotFoundError)
        assert "apt-get install graphviz" in str(err)
        assert '"/nonexistent/dot"' in str(err)
        assert not (tmp_path / "x.svg").exists()

    def test_dot_not_on_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without dot on PATH the same error names the package to install."""
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(GraphvizNotFoundError, match='needs Graphviz\'s "dot" program'):
            render(examples.load("xinhe"), tmp_path / "x.svg")

    def test_error_pickles(self) -> None:
        """The errors survive pickling (process pools)."""
        err = pickle.loads(pickle.dumps(GraphvizNotFoundError("dot")))
        assert str(err) == str(GraphvizNotFoundError("dot"))
        failed = pickle.loads(pickle.dumps(GraphvizError("dot", "bad")))
        assert str(failed) == "dot failed: bad"

    @pytest.mark.skipif(shutil.which("false") is None, reason="no false program")
    def test_dot_that_fails(self, tmp_path: Path) -> None:
        """A program that exits non-zero is a GraphvizError."""
        with pytest.raises(GraphvizError, match="failed: exit 1"):
            render(examples.load("xinhe"), tmp_path / "x.svg", dot=str(shutil.which("false")))

    def test_unknown_format(self, tmp_path: Path) -> None:
        """Only svg and png."""
        with pytest.raises(InteropError, match=r'^format: expected "svg" or "png"'):
            render(examples.load("xinhe"), tmp_path / "x.gif", format="gif")  # type: ignore[arg-type]
