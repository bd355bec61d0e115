"""govmodel: party-led grassroots governance as typed data and pure rules.

Describe a community in a spec, load it as a ``Structure`` (a frozen
networkx graph with typed queries), check it with ``validate``, and
property-test your own code with ``govmodel.strategies``.

Examples
--------
>>> import govmodel
>>> s = govmodel.examples.load("xinhe")
>>> s.name_zh
'新河社区'
>>> govmodel.validate(s)
()
"""

from govmodel import examples
from govmodel.cases import (
    Accepted,
    Case,
    CaseEvent,
    CaseState,
    Closed,
    InvalidTransition,
    Reopened,
    Reported,
    Resolved,
    Revisited,
    Routed,
    Routing,
    advance,
    dumps_events,
    loads_events,
    replay,
)
from govmodel.errors import (
    GovModelError,
    MissingExtraError,
    SpecError,
    SpecProblem,
    UnknownNodeError,
)
from govmodel.model import (
    Appointment,
    Body,
    BodyKind,
    Category,
    Channel,
    Domain,
    Frequency,
    Grid,
    GridLevel,
    Matter,
    Meeting,
    Person,
    Place,
    PlaceKind,
    Post,
    Procedure,
    Role,
    Scope,
    Status,
    Tie,
    TieKind,
    Tier,
    Urgency,
    Vote,
)
from govmodel.spec import SCHEMA, dump, dumps, load, loads, make_converter, to_dict
from govmodel.structure import Relation, Structure
from govmodel.validation import Severity, Violation, validate

__all__ = [
    "SCHEMA",
    "Accepted",
    "Appointment",
    "Body",
    "BodyKind",
    "Case",
    "CaseEvent",
    "CaseState",
    "Category",
    "Channel",
    "Closed",
    "Domain",
    "Frequency",
    "GovModelError",
    "Grid",
    "GridLevel",
    "InvalidTransition",
    "Matter",
    "Meeting",
    "MissingExtraError",
    "Person",
    "Place",
    "PlaceKind",
    "Post",
    "Procedure",
    "Relation",
    "Reopened",
    "Reported",
    "Resolved",
    "Revisited",
    "Role",
    "Routed",
    "Routing",
    "Scope",
    "Severity",
    "SpecError",
    "SpecProblem",
    "Status",
    "Structure",
    "Tie",
    "TieKind",
    "Tier",
    "UnknownNodeError",
    "Urgency",
    "Violation",
    "Vote",
    "advance",
    "dump",
    "dumps",
    "dumps_events",
    "examples",
    "load",
    "loads",
    "loads_events",
    "make_converter",
    "replay",
    "to_dict",
    "validate",
]

__version__ = "0.1.0.dev0"
