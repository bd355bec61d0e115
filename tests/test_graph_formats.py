"""Tests for `govmodel.interop.graph`: networkx node-link JSON and GraphML."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given

from govmodel import BACK_OFFICE, Relation, Structure, examples
from govmodel.errors import InteropError
from govmodel.interop.graph import (
    LIST_FIELDS,
    flat_graph,
    from_flat_graph,
    from_node_link,
    graphml_text,
    read_graphml,
    to_node_link,
    write_graphml,
)
from govmodel.model import Appointment
from govmodel.strategies import structures

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def named(structure: Structure) -> Structure:
    """The structure with a (made-up) name on every person: personal data to leak."""
    people = [
        attrs.evolve(p, name=f"Resident Wang {i}", name_zh=f"王秀英{i}")
        for i, p in enumerate(structure.people())
    ]
    return structure.evolve(people=people)


def anonymous(structure: Structure) -> Structure:
    """The structure with every person's name removed."""
    people = [attrs.evolve(p, name="", name_zh="") for p in structure.people()]
    return structure.evolve(people=people)


def nodes_of(graph: nx.MultiDiGraph[str]) -> dict[str, dict[str, Any]]:
    return {node: dict(data) for node, data in graph.nodes(data=True)}


def keyed_edges(graph: nx.MultiDiGraph[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Edges keyed by their relation attribute, sorted: GraphML keys them by edge id."""
    edges = [(u, v, data["relation"], dict(data)) for u, v, data in graph.edges(data=True)]
    return sorted(edges, key=lambda e: (e[0], e[1], e[2]))


def plain_graph_attributes(graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """Graph attributes less the empty defaults networkx's GraphML reader adds."""
    return {k: v for k, v in graph.graph.items() if k not in ("node_default", "edge_default")}


@pytest.fixture(scope="module")
def xinhe() -> Structure:
    return named(examples.load("xinhe"))


class TestFlatGraph:
    @given(structures())
    def test_same_nodes_and_edges_as_the_structure(self, s: Structure) -> None:
        """The flat graph has the structure graph's nodes and edges, keys as plain strings."""
        g = flat_graph(s)
        assert list(g.nodes) == list(s.graph.nodes)
        assert list(g.edges(keys=True)) == [(u, v, str(k)) for u, v, k in s.graph.edges(keys=True)]
        assert all(type(k) is str for _, _, k in g.edges(keys=True))
        assert g.graph == {"name": s.name, "name_zh": s.name_zh}

    @given(structures())
    def test_every_attribute_is_a_plain_scalar(self, s: Structure) -> None:
        """Every node, edge and graph attribute is a str, int or bool, as GraphML needs."""
        g = flat_graph(s, include_personal=True, reader=BACK_OFFICE)
        values = [v for _, d in g.nodes(data=True) for v in d.values()]
        values += [v for _, _, d in g.edges(data=True) for v in d.values()]
        values += list(g.graph.values())
        assert all(type(v) in (str, int, bool) for v in values)

    @given(structures())
    def test_nodes_carry_every_field_of_their_record(self, s: Structure) -> None:
        """Each record field is a node attribute under its spec name, lists as JSON arrays."""
        g = flat_graph(s, include_personal=True, reader=BACK_OFFICE)
        for node_id, data in g.nodes(data=True):
            record = s.node(node_id)
            assert data["type"] == s.graph.nodes[node_id]["type"]
            for field in attrs.fields(type(record)):
                name = "in" if field.name == "within" else field.name
                value = getattr(record, field.name)
                if field.name == "id" or value is None:
                    assert name not in data or field.name == "id"
                elif name in LIST_FIELDS:
                    assert json.loads(data[name]) == [str(v) for v in value]
                else:
                    assert data[name] == value
                    assert type(data[name]) in (str, int, bool)

    def test_record_fields_encoded(self) -> None:
        """Enums are values, lists JSON arrays, None left out, label is the Chinese name."""
        g = flat_graph(examples.load("xinhe"))
        wanda = g.nodes["compound:wanda"]
        assert wanda["kind"] == "compound"
        assert wanda["label"] == "万达华府"
        assert "households" not in wanda
        assert wanda["title"] is True
        assert json.loads(g.nodes["grid:wanda-a"]["covers"]) == [
            "building:wanda-1",
            "building:wanda-2",
        ]
        assert json.loads(g.nodes["dept:fire"]["domains"]) == ["fire_safety"]
        assert "domains" not in g.nodes["rc:xinhe"]
        assert g.nodes["post:rc-member"]["in"] == "rc:xinhe"
        assert g.nodes["post:rc-member"]["seats"] == 5
        assert g.nodes["building:wanda-1"]["label"] == "Building 1"

    def test_people_are_ids_unless_personal_data_is_asked_for(self, xinhe: Structure) -> None:
        """People's names are left out, and a person's label is its id, by default."""
        g = flat_graph(xinhe)
        person = g.nodes["person:secretary"]
        assert "name" not in person
        assert "name_zh" not in person
        assert person["label"] == "person:secretary"
        assert person["party_member"] is True
        assert "王秀英" not in json.dumps(to_node_link(xinhe), ensure_ascii=False)
        assert "王秀英" not in graphml_text(xinhe)
        assert "Resident Wang" not in graphml_text(xinhe)
        personal = flat_graph(xinhe, include_personal=True, reader=BACK_OFFICE).nodes[
            "person:secretary"
        ]
        assert personal["name_zh"].startswith("王秀英")
        assert personal["label"] == personal["name_zh"]

    def test_tie_edges(self) -> None:
        """A tie's edge carries its relation, names and start day."""
        g = flat_graph(examples.load("xinhe"))
        assert g.edges["party:xinhe", "pm:cxh", "partners"] == {
            "relation": "partners",
            "name": "Red partner co-building agreement",
            "name_zh": "红色合伙人共建协议",
            "start": "2025-04-01",
        }
        assert g.edges["compound:wanda", "building:wanda-1", "contains"] == {"relation": "contains"}

    def test_holds_edges_keep_every_appointment(self) -> None:
        """A holds edge lists its appointments; start is the first, end the last if all ended."""
        s = examples.load("xinhe")
        extra = [
            Appointment(
                person="person:mediator-1",
                post="post:xinhexin-legal",
                start=dt.date(2023, 1, 1),
                end=dt.date(2023, 12, 31),
            ),
            Appointment(
                person="person:mediator-1",
                post="post:xinhexin-legal",
                start=dt.date(2024, 3, 1),
                end=dt.date(2024, 6, 30),
            ),
        ]
        g = flat_graph(s.evolve(appointments=(*s.appointments(), *extra)))
        edge = g.edges["person:mediator-1", "post:xinhexin-legal", "holds"]
        assert json.loads(edge["appointments"]) == [
            {"start": "2023-01-01", "end": "2023-12-31"},
            {"start": "2024-03-01", "end": "2024-06-30"},
        ]
        assert (edge["start"], edge["end"]) == ("2023-01-01", "2024-06-30")
        open_ended = g.edges["person:secretary", "post:party-secretary", "holds"]
        assert open_ended["start"] == "2025-01-01"
        assert "end" not in open_ended


class TestNodeLink:
    @given(structures())
    def test_json_round_trip_gives_the_flat_graph(self, s: Structure) -> None:
        """node_link_graph(json.loads(json.dumps(data))) equals the flat graph exactly."""
        s = named(s)
        for personal in (False, True):
            data = json.loads(
                json.dumps(to_node_link(s, include_personal=personal, reader=BACK_OFFICE))
            )
            back = nx.node_link_graph(data, edges="edges")
            flat = flat_graph(s, include_personal=personal, reader=BACK_OFFICE)
            assert back.is_multigraph()
            assert back.is_directed()
            assert back.graph == flat.graph
            assert nodes_of(back) == nodes_of(flat)
            assert list(back.edges(keys=True, data=True)) == list(flat.edges(keys=True, data=True))

    @given(structures())
    def test_structure_round_trip(self, s: Structure) -> None:
        """from_node_link(to_node_link(s, include_personal=True)) == s."""
        data = json.loads(json.dumps(to_node_link(s, include_personal=True, reader=BACK_OFFICE)))
        assert from_node_link(data) == s

    @given(structures())
    def test_without_personal_data_only_names_of_people_are_lost(self, s: Structure) -> None:
        """Reading back an export without personal data gives s with people unnamed."""
        assert from_node_link(to_node_link(s)) == anonymous(s)

    @pytest.mark.parametrize("name", examples.names())
    def test_bundled_examples_round_trip(self, name: str) -> None:
        """Every bundled community comes back from node-link data unchanged."""
        s = examples.load(name)
        assert from_node_link(to_node_link(s, include_personal=True, reader=BACK_OFFICE)) == s

    def test_not_node_link_data(self) -> None:
        """Data without node and edge lists is an InteropError, not a KeyError."""
        with pytest.raises(InteropError, match='"nodes" and "edges"'):
            from_node_link({"edges": []})
        with pytest.raises(InteropError, match=r"^edges:"):
            from_node_link({"nodes": [], "links": []})

    def test_bad_records_name_the_node(self) -> None:
        """A wrong attribute is reported with the node and attribute at fault."""
        data = to_node_link(examples.load("xinhe"))
        node = next(n for n in data["nodes"] if n["id"] == "grid:wanda-a")
        node["covers"] = "building:wanda-1"
        with pytest.raises(
            InteropError, match=r'^nodes\["grid:wanda-a"\]\.covers: expected a JSON'
        ):
            from_node_link(data)

    def test_unknown_type(self) -> None:
        """A node whose type is not a record type is an InteropError."""
        data = to_node_link(examples.load("xinhe"))
        data["nodes"][0]["type"] = "village"
        with pytest.raises(InteropError, match=r'nodes\["street:xinhua"\]\.type'):
            from_node_link(data)

    def test_every_problem_at_once(self) -> None:
        """Several bad records are reported together, each with its place in the graph."""
        g = flat_graph(examples.load("xinhe"))
        g.nodes["compound:wanda"]["households"] = "many"
        g.nodes["post:rc-member"]["seats"] = 0
        edge = g.edges["person:secretary", "post:party-secretary", "holds"]
        edge["appointments"] = '[{"start": "someday"}]'
        with pytest.raises(InteropError) as info:
            from_flat_graph(g)
        message = str(info.value)
        assert "3 problems" in message
        assert 'nodes["compound:wanda"].households' in message
        assert 'nodes["post:rc-member"].seats' in message
        assert (
            'edges["person:secretary", "post:party-secretary", "holds"].appointments[0].start'
            in message
        )


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def graphml_can_hold(graph: nx.MultiDiGraph[str]) -> bool:
    """Whether every string of the graph is text XML 1.0 can hold."""
    strings = [*graph.graph.values(), *graph.nodes]
    strings += [v for _, d in graph.nodes(data=True) for v in d.values()]
    strings += [v for _, _, d in graph.edges(data=True) for v in d.values()]
    return not any(isinstance(v, str) and _NOT_XML.search(v) for v in strings)


class TestGraphML:
    @given(structures())
    def test_networkx_reads_back_the_flat_graph(
        self, tmp_path_factory: pytest.TempPathFactory, s: Structure
    ) -> None:
        """read_graphml gives the flat graph's nodes, edges and attributes, exactly.

        Or, for a name holding a character XML 1.0 cannot hold, writing refuses
        with an InteropError that names the node and the attribute.
        """
        s = named(s)
        for personal in (False, True):
            path = tmp_path_factory.mktemp("graphml") / "s.graphml"
            flat = flat_graph(s, include_personal=personal, reader=BACK_OFFICE)
            if not graphml_can_hold(flat):
                with pytest.raises(InteropError, match=r"^(nodes|edges|graph)\b.*XML 1\.0"):
                    write_graphml(s, path, include_personal=personal, reader=BACK_OFFICE)
                continue
            write_graphml(s, path, include_personal=personal, reader=BACK_OFFICE)
            back = nx.read_graphml(path, force_multigraph=True)
            assert plain_graph_attributes(back) == flat.graph
            assert nodes_of(back) == nodes_of(flat)
            assert list(back.nodes) == list(flat.nodes)
            assert keyed_edges(back) == sorted(
                ((u, v, k, dict(d)) for u, v, k, d in flat.edges(keys=True, data=True)),
                key=lambda e: (e[0], e[1], e[2]),
            )

    @given(structures())
    def test_structure_round_trip(
        self, tmp_path_factory: pytest.TempPathFactory, s: Structure
    ) -> None:
        """read_graphml(write_graphml(s, include_personal=True)) == s, or a refusal.

        A structure whose names hold characters XML 1.0 cannot hold is refused
        when written; every other one comes back, carriage returns included.
        """
        path = tmp_path_factory.mktemp("graphml") / "s.graphml"
        if not graphml_can_hold(flat_graph(s, include_personal=True, reader=BACK_OFFICE)):
            with pytest.raises(InteropError, match=r"XML 1\.0"):
                write_graphml(s, path, include_personal=True, reader=BACK_OFFICE)
            return
        write_graphml(s, path, include_personal=True, reader=BACK_OFFICE)
        assert read_graphml(path) == s

    @pytest.mark.parametrize("name", examples.names())
    def test_bundled_examples_round_trip(self, tmp_path: Path, name: str) -> None:
        """Every bundled community comes back from GraphML unchanged."""
        s = examples.load(name)
        write_graphml(s, tmp_path / f"{name}.graphml", include_personal=True, reader=BACK_OFFICE)
        assert read_graphml(tmp_path / f"{name}.graphml") == s

    def test_edge_ids_are_unique(self) -> None:
        """Edge ids are unique in the file (Gephi drops edges whose id repeats)."""
        root = ET.fromstring(graphml_text(examples.load("lianhua")).encode("utf-8"))
        ids = [e.get("id") for e in root.iter(f"{GRAPHML}edge")]
        assert len(ids) == examples.load("lianhua").graph.number_of_edges()
        assert len(set(ids)) == len(ids)

    def test_keys_are_typed(self) -> None:
        """GraphML keys declare string, long and boolean types, as Gephi reads them."""
        root = ET.fromstring(graphml_text(examples.load("chengxi")).encode("utf-8"))
        types = {
            (k.get("for"), k.get("attr.name")): k.get("attr.type")
            for k in root.iter(f"{GRAPHML}key")
        }
        assert types[("node", "kind")] == "string"
        assert types[("node", "seats")] == "long"
        assert types[("node", "title")] == "boolean"
        assert types[("edge", "relation")] == "string"
        assert types[("edge", "appointments")] == "string"

    def test_file_is_the_text(self, tmp_path: Path) -> None:
        """write_graphml writes graphml_text, UTF-8 encoded."""
        s = examples.load("zhuanqiao")
        write_graphml(s, tmp_path / "z.graphml")
        assert (tmp_path / "z.graphml").read_bytes() == graphml_text(s).encode("utf-8")

    def test_not_graphml(self, tmp_path: Path) -> None:
        """A file that is not XML is an InteropError naming the file."""
        path = tmp_path / "broken.graphml"
        path.write_text("<graphml", encoding="utf-8")
        with pytest.raises(InteropError, match=r"broken\.graphml: expected GraphML"):
            read_graphml(path)

    def test_relation_read_from_attribute(self, tmp_path: Path) -> None:
        """Edges keyed e0, e1, … in the file come back under their relation."""
        path = tmp_path / "x.graphml"
        write_graphml(examples.load("xinhe"), path)
        back = nx.read_graphml(path, force_multigraph=True)
        assert {k for _, _, k in back.edges(keys=True)} == {
            f"e{i}" for i in range(back.number_of_edges())
        }
        relations = {d["relation"] for _, _, d in back.edges(data=True)}
        assert relations <= {r.value for r in Relation}


class TestNodeLinkInput:
    @pytest.mark.parametrize(
        ("change", "where"),
        [
            (lambda d: d.__setitem__("graph", []), "graph"),
            (lambda d: d["edges"][0].__setitem__("relation", ["x"]), "edges[0].relation"),
            (lambda d: d.__setitem__("multigraph", None), "multigraph"),
            (lambda d: d["edges"][0].__setitem__("key", {"a": 1}), "edges[0].key"),
        ],
    )
    def test_bad_shapes_are_interop_errors(self, change: Any, where: str) -> None:
        """Malformed node-link data raises InteropError, never a networkx or builtin error."""
        data = copy.deepcopy(to_node_link(examples.load("xinhe")))
        change(data)
        with pytest.raises(InteropError) as info:
            from_node_link(data)
        assert info.value.location == where
