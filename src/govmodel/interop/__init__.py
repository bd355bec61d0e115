"""Interoperability: govmodel structures and cases in the formats other tools speak.

* ``govmodel.interop.popolo`` — Popolo JSON (organizations, areas, posts,
  persons, memberships), export and import;
* ``govmodel.interop.open311`` — Open311 GeoReport v2 services and service
  requests, export and import;
* ``govmodel.interop.graph`` — networkx node-link JSON and GraphML;
* ``govmodel.interop.render`` — organisation charts as Mermaid and Graphviz
  DOT, and SVG/PNG through Graphviz.

No exporter writes personal data — people's names, a case's reporter,
contact or description — unless asked with ``include_personal=True``.
"""

__all__: list[str] = []
