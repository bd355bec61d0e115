"""Interoperability: govmodel structures and cases in the formats other tools speak.

* ``govmodel.interop.popolo`` — Popolo JSON (organizations, areas, posts,
  persons, memberships), export and import;
* ``govmodel.interop.open311`` — Open311 GeoReport v2 services and service
  requests, export and import;
* ``govmodel.interop.graph`` — networkx node-link JSON and GraphML;
* ``govmodel.interop.render`` — organisation charts as Mermaid and Graphviz
  DOT, and SVG/PNG through Graphviz.

No exporter writes personal data — people's names, a case's reporter,
contact or description, a reopening's reason — unless asked with
``include_personal=True``, and then only for a named reader: an actor of the
structure (``reader=``, or ``for_actor=`` for Open311 requests) or
``govmodel.BACK_OFFICE`` for a trusted back-office job. Asked for without a
reader, personal data are refused (``govmodel.ReaderRequired``).

Examples
--------
>>> from govmodel import examples
>>> from govmodel.interop import from_popolo, to_popolo
>>> s = examples.load("zhuanqiao")
>>> from_popolo(to_popolo(s)) == s
True
>>> from govmodel import BACK_OFFICE
>>> from_popolo(to_popolo(s, include_personal=True, reader=BACK_OFFICE)) == s
True
"""

from govmodel.interop.graph import flat_graph, read_graphml, to_node_link, write_graphml
from govmodel.interop.open311 import from_requests, services, to_requests
from govmodel.interop.popolo import from_popolo, to_popolo
from govmodel.interop.render import to_dot, to_mermaid

__all__ = [
    "flat_graph",
    "from_popolo",
    "from_requests",
    "read_graphml",
    "services",
    "to_dot",
    "to_mermaid",
    "to_node_link",
    "to_popolo",
    "to_requests",
    "write_graphml",
]
