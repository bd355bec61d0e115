"""Graph formats: networkx node-link JSON and GraphML, for networkx and Gephi.

The structure graph (``Structure.graph``) holds records and enums, which no
file format carries. ``flat_graph`` turns it into a graph of plain values that
both formats keep exactly; ``to_node_link`` and ``graphml_text`` /
``write_graphml`` write that flat graph, and ``from_node_link`` /
``read_graphml`` / ``from_flat_graph`` read a structure back.

The flat graph
--------------
A ``networkx.MultiDiGraph`` with the same nodes, in the same order, as
``Structure.graph`` and the same edges, keyed by the relation's value as a
plain string (``"contains"``, ``"holds"``, …).

Graph attributes
    ``name``, ``name_zh`` of the structure.
Node attributes
    ``type`` (``place``, ``grid``, ``body``, ``person``, ``post``,
    ``meeting``); ``label`` (what Gephi shows: ``name_zh``, else ``name``,
    else the id); then every field of the record except ``id`` (the node
    itself), under its spec name (a post's ``within`` is ``in``). Enums are
    their values (``kind="compound"``); numbers and booleans stay numbers and
    booleans; strings stay strings, empty ones included; lists
    (``covers``, ``serves``, ``jurisdiction``, ``domains``, ``members``) are
    JSON arrays in a string (``'["building:1", "building:2"]'``); a field that
    is ``None`` (no parent, households unknown, a body's default domains) is
    left out.
Edge attributes
    ``relation`` (the key again, for tools such as Gephi that drop keys).
    A tie's edge also has ``name``, ``name_zh`` and, when known, ``start``
    (ISO date). A ``holds`` edge has ``appointments``, a JSON array of
    ``{"start": "2025-01-01", "end": "2025-12-31"}`` objects (``end`` left out
    while open) in spec order, plus ``start``, the earliest start, and
    ``end``, the latest end when every appointment has ended; Gephi reads
    ``start`` and ``end`` as the edge's time interval.

People's names are personal data: they are left out (and a person's
``label`` is its id) unless ``include_personal=True``, which needs a named
``reader`` — ``BACK_OFFICE``, or a body, grid, post or person of the
structure, a person judged at ``at`` (see
``govmodel.rules.access.check_reader``).

Reading back
------------
``networkx.node_link_graph(data, edges="edges")`` gives a graph equal to the
flat graph: same nodes, edges, keys and attributes, graph attributes
included. ``networkx.read_graphml(path, force_multigraph=True)`` gives the
same nodes with the same attributes and the same edges with the same
attributes; its edge keys are the GraphML edge ids (``e0``, ``e1``, …), which
are unique in the file as Gephi requires, and the relation is in ``relation``;
it also adds networkx's empty ``node_default`` and ``edge_default`` to the
graph attributes.

Examples
--------
>>> import networkx as nx
>>> from govmodel import examples
>>> from govmodel.interop.graph import flat_graph, from_node_link, to_node_link
>>> s = examples.load("xinhe")
>>> g = flat_graph(s)
>>> g.nodes["compound:wanda"]["name_zh"], g.nodes["grid:wanda-a"]["covers"]
('万达华府', '["building:wanda-1", "building:wanda-2"]')
>>> g.edges["person:secretary", "post:party-secretary", "holds"]["appointments"]
'[{"start": "2025-01-01"}]'
>>> data = to_node_link(s)
>>> back = nx.node_link_graph(data, edges="edges")
>>> dict(back.nodes(data=True)) == dict(g.nodes(data=True))
True
>>> from_node_link(data) == s
True
"""

from __future__ import annotations

import io
import json
import os
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from enum import Enum
from typing import Any

import attrs
import networkx as nx

from govmodel._reading import ReadProblem, read_json
from govmodel._strict import show
from govmodel.errors import InteropError, SpecError
from govmodel.model import Appointment, Person, Tie, TieKind
from govmodel.rules.access import Moment, Reader, check_reader
from govmodel.spec import SCHEMA
from govmodel.spec import load as load_spec
from govmodel.structure import SPEC_FIELD, NodeRecord, Relation, Structure

__all__ = [
    "LIST_FIELDS",
    "flat_graph",
    "from_flat_graph",
    "from_node_link",
    "graphml_text",
    "read_graphml",
    "to_node_link",
    "write_graphml",
]

LIST_FIELDS = frozenset({"covers", "serves", "jurisdiction", "domains", "members"})
"""Node attributes that hold a JSON array in a string."""

# Node attributes the flat graph adds; they are not record fields.
_DERIVED = frozenset({"type", "label"})
_LIST_OF_TYPE = {
    "place": "places",
    "grid": "grids",
    "body": "bodies",
    "person": "people",
    "post": "posts",
    "meeting": "meetings",
}
_PERSONAL = frozenset({"name", "name_zh"})
_TIE_RELATIONS = frozenset(Relation.of_tie(kind).value for kind in TieKind)


def _plain(value: object) -> str | int | bool:
    """A scalar field value as the plain type GraphML keeps."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"expected a scalar field, found {value!r}")  # pragma: no cover


def _record_attributes(record: NodeRecord, *, include_personal: bool) -> dict[str, Any]:
    personal = isinstance(record, Person) and not include_personal
    label = record.id if personal else (record.name_zh or record.name or record.id)
    data: dict[str, Any] = {"label": label}
    for field in attrs.fields(type(record)):
        name = SPEC_FIELD.get(field.name, field.name)
        value = getattr(record, field.name)
        if name == "id" or value is None or (personal and name in _PERSONAL):
            continue
        if isinstance(value, tuple):
            data[name] = json.dumps([_plain(v) for v in value], ensure_ascii=False)
        else:
            data[name] = _plain(value)
    return data


def _appointments_attributes(appointments: tuple[Appointment, ...]) -> dict[str, Any]:
    spans = [
        {"start": a.start.isoformat()} | ({} if a.end is None else {"end": a.end.isoformat()})
        for a in appointments
    ]
    data: dict[str, Any] = {
        "start": min(a.start for a in appointments).isoformat(),
        "appointments": json.dumps(spans),
    }
    ends = [a.end for a in appointments]
    if all(end is not None for end in ends):
        data["end"] = max(end for end in ends if end is not None).isoformat()
    return data


def _tie_attributes(tie: Tie) -> dict[str, Any]:
    data: dict[str, Any] = {"name": tie.name, "name_zh": tie.name_zh}
    if tie.start is not None:
        data["start"] = tie.start.isoformat()
    return data


def flat_graph(
    structure: Structure,
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> nx.MultiDiGraph[str]:
    """The structure graph with plain attributes that GraphML and JSON keep.

    See the module documentation for every attribute and its encoding.

    Parameters
    ----------
    structure
        The structure to flatten.
    include_personal
        Keep people's ``name`` and ``name_zh`` (personal data).
    reader
        Who the names are for, required with ``include_personal``:
        ``BACK_OFFICE``, or a body, grid, post or person of the structure.
    at
        The moment a person ``reader`` is judged at: it must hold a post then.

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
    networkx.MultiDiGraph
        A new, unfrozen graph; edge keys are relation values as plain strings.

    Examples
    --------
    >>> from govmodel import examples
    >>> g = flat_graph(examples.load("zhuanqiao"))
    >>> g.nodes["compound:dongbei"]["type"], g.nodes["compound:dongbei"]["title"]
    ('place', False)
    >>> g.nodes["post:smc-member"]["in"], g.nodes["post:smc-member"]["seats"]
    ('smc:zhuanqiao', 5)
    >>> g.edges["smc:zhuanqiao", "pm:zhuanqiao", "supervises"]
    {'relation': 'supervises', 'name': '', 'name_zh': ''}
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="flat_graph")
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=structure.name, name_zh=structure.name_zh)
    for node_id, node in structure.graph.nodes(data=True):
        attributes = _record_attributes(node["obj"], include_personal=include_personal)
        graph.add_node(node_id, type=node["type"], **attributes)
    for source, target, key, edge in structure.graph.edges(keys=True, data=True):
        relation = str(Relation(key).value)
        data: dict[str, Any] = {"relation": relation}
        if "obj" in edge:
            data |= _tie_attributes(edge["obj"])
        if "appointments" in edge:
            data |= _appointments_attributes(edge["appointments"])
        graph.add_edge(source, target, key=relation, **data)
    return graph


def to_node_link(
    structure: Structure,
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> dict[str, Any]:
    """The structure as networkx node-link data, ready for ``json.dumps``.

    The flat graph (see ``flat_graph``) in networkx's node-link form with
    edges under ``"edges"``: read it back with
    ``networkx.node_link_graph(data, edges="edges")`` or with
    ``from_node_link``.

    Parameters
    ----------
    structure
        The structure to export.
    include_personal, reader, at
        Keep people's ``name`` and ``name_zh`` (personal data), for whom,
        judged when; see ``flat_graph``.

    Examples
    --------
    >>> import json
    >>> from govmodel import examples
    >>> data = to_node_link(examples.load("xinhe"))
    >>> sorted(data)
    ['directed', 'edges', 'graph', 'multigraph', 'nodes']
    >>> data["nodes"][0]
    {'type': 'place', 'label': '新华街道', 'kind': 'street', 'title': True, 'old': False,
     'residential': True, 'name': 'Xinhua street', 'name_zh': '新华街道', 'id': 'street:xinhua'}
    >>> data["edges"][0]
    {'relation': 'contains', 'source': 'street:xinhua', 'target': 'community:xinhe',
     'key': 'contains'}
    >>> len(json.dumps(data, ensure_ascii=False)) > 1000
    True
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="to_node_link")
    graph = flat_graph(structure, include_personal=include_personal, reader=reader, at=at)
    data: dict[str, Any] = nx.node_link_data(graph, edges="edges")
    return data


def _unique_edge_ids(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    # GraphML writes a multigraph's edge key as the edge id, and Gephi drops
    # edges whose id repeats; relation keys repeat, so the file gets e0, e1, …
    # and keeps the relation in the "relation" attribute.
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for index, (source, target, data) in enumerate(graph.edges(data=True)):
        out.add_edge(source, target, key=f"e{index}", **data)
    return out


def graphml_text(
    structure: Structure,
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> str:
    """The structure as GraphML text (UTF-8), for Gephi, yEd, Cytoscape or networkx.

    The flat graph (see ``flat_graph``, which says what ``include_personal``,
    ``reader`` and ``at`` do), with typed GraphML keys (``string``, ``long``,
    ``boolean``) and edge ids ``e0``, ``e1``, … unique in the file.

    Examples
    --------
    >>> from govmodel import examples
    >>> text = graphml_text(examples.load("xinhe"))
    >>> text.splitlines()[0]
    "<?xml version='1.0' encoding='utf-8'?>"
    >>> '<node id="compound:wanda">' in text, "万达华府" in text
    (True, True)
    >>> '<edge source="street:xinhua" target="community:xinhe" id="e0">' in text
    True
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="graphml_text")
    flat = flat_graph(structure, include_personal=include_personal, reader=reader, at=at)
    graph = _unique_edge_ids(flat)
    _refuse_unwritable(graph, personal=include_personal)
    buffer = io.BytesIO()
    nx.write_graphml_xml(graph, buffer, encoding="utf-8", prettyprint=True)
    # The writer leaves a carriage return in element text as it is, and every
    # XML reader turns it (and CR LF) into LF; as a character reference it
    # reads back as itself. Attribute values are escaped by the writer already.
    return buffer.getvalue().decode("utf-8").replace("\r", "&#13;")


# What XML 1.0 cannot hold, even as a character reference: C0 controls other than
# tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_unwritable(graph: nx.MultiDiGraph[str], *, personal: bool) -> None:
    """Raise naming the first node or edge attribute GraphML cannot carry."""

    def check(where: str, value: object, *, private: bool = False) -> None:
        if not isinstance(value, str):
            return
        found = _NOT_XML.search(value)
        if found is None:
            return
        character = f"U+{ord(found[0]):04X}"
        shown = "" if private else f" at character {found.start()}"
        raise InteropError(
            where,
            f"expected text XML 1.0 can hold, found the character {character}{shown}; "
            "GraphML cannot carry control characters (other than tab, line feed and "
            "carriage return), lone surrogates, U+FFFE or U+FFFF",
        )

    for name, value in graph.graph.items():
        check(f"graph.{name}", value)
    for node_id, data in graph.nodes(data=True):
        where = f"nodes[{_id_text(node_id)}]"
        check(where, node_id)
        person = data.get("type") == "person"
        # The label is derived from the names: name the record's own field first.
        for name in sorted(data, key=lambda name: name == "label"):
            check(f"{where}.{name}", data[name], private=person and personal)
    for source, target, data in graph.edges(data=True):
        where = f"edges[{_id_text(source)}, {_id_text(target)}, {_id_text(data['relation'])}]"
        for name, value in data.items():
            check(f"{where}.{name}", value)


def _id_text(value: object) -> str:
    """A node id as a location quotes it: JSON, with lone surrogates escaped."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else show(value)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_graphml(
    structure: Structure,
    path: str | os.PathLike[str],
    *,
    include_personal: bool = False,
    reader: Reader | None = None,
    at: Moment | None = None,
) -> None:
    """Write the structure to a GraphML file (see ``graphml_text``).

    People's names only with ``include_personal=True`` for a named
    ``reader`` (see ``flat_graph``); refused before the file is opened.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import networkx as nx
    >>> from govmodel import examples
    >>> s = examples.load("xinhe")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "xinhe.graphml"
    ...     write_graphml(s, path)
    ...     g = nx.read_graphml(path, force_multigraph=True)
    ...     back = read_graphml(path)
    >>> g.nodes["compound:wanda"]["name_zh"]
    '万达华府'
    >>> sorted({d["relation"] for _, _, d in g.edges(data=True)})[:3]
    ['answers_for', 'contains', 'convenes']
    >>> back == s
    True
    """
    check_reader(structure, reader, include_personal=include_personal, at=at, where="write_graphml")
    text = graphml_text(structure, include_personal=include_personal, reader=reader, at=at)
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(text)


def read_graphml(path: str | os.PathLike[str], *, validate: bool = True) -> Structure:
    """Read a structure back from a GraphML file written by ``write_graphml``.

    People's names come back only if the file was written with
    ``include_personal=True``; every other field always does.

    Raises
    ------
    InteropError
        When the file cannot be read or is not GraphML, when its nodes and
        edges do not make govmodel records (with the node or edge and the
        attribute at fault), or when the structure they make is not valid
        (see ``from_flat_graph``).
    """
    if not isinstance(path, str | os.PathLike):
        raise InteropError("path", f"expected a path, found {show(path)}")
    where = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        # networkx warns of what it guesses (an undeclared key read as a string);
        # a file govmodel did not write is refused instead of guessed at.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            graph = nx.read_graphml(path, force_multigraph=True)
    except Warning as err:
        raise InteropError(
            where, f"expected GraphML networkx reads without guessing: {err}"
        ) from None
    except ET.ParseError as err:
        raise InteropError(where, f"expected GraphML (XML), found a parse error: {err}") from None
    except OSError as err:
        raise InteropError(where, f"cannot read the file: {err.strerror or err}") from None
    except RecursionError:
        raise InteropError(where, "expected GraphML networkx can read: nested too deeply") from None
    except (nx.NetworkXError, ValueError, KeyError, TypeError) as err:
        message = str(err) if len(str(err)) <= 200 else str(err)[:200] + "…"
        raise InteropError(where, f"expected GraphML networkx can read: {message}") from None
    return from_flat_graph(graph, validate=validate)


def from_node_link(data: Mapping[str, Any], *, validate: bool = True) -> Structure:
    """Read a structure back from node-link data made by ``to_node_link``.

    Raises
    ------
    InteropError
        When ``data`` is not node-link data (node ids and edge ends are
        strings), its nodes and edges do not make govmodel records, or the
        structure they make is not valid (see ``from_flat_graph``).

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("chengxi")
    >>> from_node_link(to_node_link(s)) == s
    True
    >>> from_node_link({"nodes": []})
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: edges: expected node-link data with "nodes" and "edges" lists
    """
    if not isinstance(data, Mapping) or not all(
        isinstance(data.get(k), list) for k in ("nodes", "edges")
    ):
        missing = "nodes" if not isinstance(data, Mapping) or "nodes" not in data else "edges"
        raise InteropError(missing, 'expected node-link data with "nodes" and "edges" lists')
    for flag in ("directed", "multigraph"):
        if data.get(flag, True) is not True:
            raise InteropError(
                flag,
                "expected true (govmodel graphs are directed multigraphs), "
                f"found {show(data.get(flag))}",
            )
    if not isinstance(data.get("graph", {}), Mapping):
        raise InteropError(
            "graph", f"expected an object of graph attributes, found {show(data['graph'])}"
        )
    # Ids are strings: networkx would turn lists into tuples (recursively, so
    # deep ones overflow the stack), and only strings make spec ids.
    for index, node in enumerate(data["nodes"]):
        if not isinstance(node, Mapping):
            raise InteropError(f"nodes[{index}]", f"expected an object, found {show(node)}")
        if not isinstance(node.get("id"), str):
            raise InteropError(
                f"nodes[{index}].id", f"expected a string id, found {show(node.get('id'))}"
            )
    for index, edge in enumerate(data["edges"]):
        if not isinstance(edge, Mapping):
            raise InteropError(f"edges[{index}]", f"expected an object, found {show(edge)}")
        for end in ("source", "target"):
            if not isinstance(edge.get(end), str):
                raise InteropError(
                    f"edges[{index}].{end}", f"expected a node id, found {show(edge.get(end))}"
                )
        relation = edge.get("relation")
        if relation is not None and not isinstance(relation, str):
            raise InteropError(
                f"edges[{index}].relation", f"expected a string, found {show(relation)}"
            )
        key = edge.get("key")
        if key is not None and not isinstance(key, str | int):
            raise InteropError(f"edges[{index}].key", f"expected a string, found {show(key)}")
    try:
        graph = nx.node_link_graph(dict(data), directed=True, multigraph=True, edges="edges")
    except (nx.NetworkXError, KeyError, TypeError, ValueError, AttributeError) as err:
        raise InteropError("", f"expected networkx node-link data: {type(err).__name__}") from None
    return from_flat_graph(graph, validate=validate)


def _json_list(value: object, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        try:
            decoded = read_json(value)
        except ReadProblem:
            decoded = None
        if isinstance(decoded, list):
            return decoded
    raise InteropError(where, f"expected a JSON array, found {show(value)}")


def from_flat_graph(graph: nx.MultiDiGraph[str], *, validate: bool = True) -> Structure:
    """Rebuild a structure from a flat graph (see ``flat_graph``).

    Records come from the node attributes, appointments from ``holds`` edges
    and ties from tie edges (``leads``, ``guides``, ``supervises``,
    ``embedded_in`` between two bodies, ``partners``, ``paired``); the other
    edges follow from the records and are not read. An edge's relation is
    its ``relation`` attribute, else its key, so graphs read from GraphML work.

    Parameters
    ----------
    graph
        A flat graph: node ids are strings.
    validate
        Also run ``govmodel.validate`` and raise for its errors, as
        ``govmodel.load`` does (places in a cycle are refused); ``False``
        reads an invalid structure for inspection.

    Raises
    ------
    InteropError
        Listing every problem, each with its node or edge and attribute.

    Examples
    --------
    >>> from govmodel import examples
    >>> s = examples.load("lianhua")
    >>> from_flat_graph(flat_graph(s)) == s
    True
    >>> g = flat_graph(s)
    >>> g.nodes["compound:yifengyuan"]["households"] = "many"
    >>> from_flat_graph(g)
    Traceback (most recent call last):
    ...
    govmodel.errors.InteropError: nodes["compound:yifengyuan"].households: expected an integer, ...
    """
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in _LIST_OF_TYPE.values()}
    lists["appointments"] = []
    lists["ties"] = []
    origins: dict[str, list[str]] = {name: [] for name in lists}
    types: dict[str, str] = {}
    for node_id, node in graph.nodes(data=True):
        if not isinstance(node_id, str):
            raise InteropError("nodes", f"expected string node ids, found {show(node_id)}")
        where = f"nodes[{_id_text(node_id)}]"
        node_type = node.get("type")
        list_name = _LIST_OF_TYPE.get(node_type) if isinstance(node_type, str) else None
        if list_name is None:
            raise InteropError(
                f"{where}.type",
                f"expected one of {', '.join(sorted(_LIST_OF_TYPE))}, found {show(node_type)}",
            )
        types[node_id] = node["type"]
        record: dict[str, Any] = {"id": node_id}
        for name, value in node.items():
            if name in _DERIVED:
                continue
            record[name] = _json_list(value, f"{where}.{name}") if name in LIST_FIELDS else value
        lists[list_name].append(record)
        origins[list_name].append(where)
    for source, target, key, edge in graph.edges(keys=True, data=True):
        relation = edge.get("relation", key)
        where = "edges[{}, {}, {}]".format(*(_id_text(x) for x in (source, target, relation)))
        if relation == Relation.HOLDS:
            spans = _json_list(edge.get("appointments"), f"{where}.appointments")
            for index, span in enumerate(spans):
                if not isinstance(span, Mapping):
                    raise InteropError(
                        f"{where}.appointments[{index}]",
                        f'expected an object with "start" and maybe "end", found {show(span)}',
                    )
                lists["appointments"].append({"person": source, "post": target, **span})
                origins["appointments"].append(f"{where}.appointments[{index}]")
        elif relation in _TIE_RELATIONS and (
            relation != Relation.EMBEDDED_IN or types.get(target) == "body"
        ):
            tie = {"kind": relation, "source": source, "target": target}
            tie |= {k: edge[k] for k in ("start", "name", "name_zh") if k in edge}
            lists["ties"].append(tie)
            origins["ties"].append(where)
    spec = {
        "schema": SCHEMA,
        "name": graph.graph.get("name", ""),
        "name_zh": graph.graph.get("name_zh", ""),
        **lists,
    }
    try:
        return load_spec(spec, validate=validate)
    except SpecError as err:
        problems = [f"{_origin(p.location, origins)}: {p.message}" for p in err.problems]
        if len(problems) == 1:
            location, _, message = problems[0].partition(": ")
            raise InteropError(location, message) from None
        raise InteropError("", f"{len(problems)} problems:\n  " + "\n  ".join(problems)) from None


_LOCATION = re.compile(r"^(?P<list>[a-z]+)\[(?P<index>\d+)\](?P<rest>.*)$")


def _origin(location: str, origins: Mapping[str, list[str]]) -> str:
    """Where in the graph a spec location such as ``places[3].parent`` came from."""
    match = _LOCATION.match(location)
    if match is None or match["list"] not in origins:
        return location or "graph"
    index = int(match["index"])
    where = origins[match["list"]]
    if index >= len(where):  # pragma: no cover - the loader only names records we gave it
        return location
    rest = match["rest"]
    if match["list"] == "appointments":
        rest = "" if rest in (".person", ".post") else rest
    elif match["list"] == "ties":
        rest = "" if rest in (".kind", ".source", ".target") else rest
    return where[index] + rest
