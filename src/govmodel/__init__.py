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
    DecisionError,
    GovModelError,
    MissingExtraError,
    SpecError,
    SpecProblem,
    UnknownNodeError,
)
from govmodel.metrics import Metrics, metrics
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
from govmodel.rules import (
    CIVIL_CODE_278,
    DEFAULT_POLICY,
    Ballot,
    CivilCode278,
    Consultation,
    Decision,
    Electorate,
    Policy,
    Presence,
    decide,
    escalate,
    ladder,
    load_policy,
    presence,
    route,
)
from govmodel.simulation import Run, Scenario, SimulationResult, simulate, sweep, variants
from govmodel.spec import SCHEMA, dump, dumps, load, loads, make_converter, to_dict
from govmodel.structure import Relation, Structure
from govmodel.validation import Severity, Violation, validate

__all__ = [
    "CIVIL_CODE_278",
    "DEFAULT_POLICY",
    "SCHEMA",
    "Accepted",
    "Appointment",
    "Ballot",
    "Body",
    "BodyKind",
    "Case",
    "CaseEvent",
    "CaseState",
    "Category",
    "Channel",
    "CivilCode278",
    "Closed",
    "Consultation",
    "Decision",
    "DecisionError",
    "Domain",
    "Electorate",
    "Frequency",
    "GovModelError",
    "Grid",
    "GridLevel",
    "InvalidTransition",
    "Matter",
    "Meeting",
    "Metrics",
    "MissingExtraError",
    "Person",
    "Place",
    "PlaceKind",
    "Policy",
    "Post",
    "Presence",
    "Procedure",
    "Relation",
    "Reopened",
    "Reported",
    "Resolved",
    "Revisited",
    "Role",
    "Routed",
    "Routing",
    "Run",
    "Scenario",
    "Scope",
    "Severity",
    "SimulationResult",
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
    "decide",
    "dump",
    "dumps",
    "dumps_events",
    "escalate",
    "examples",
    "ladder",
    "load",
    "load_policy",
    "loads",
    "loads_events",
    "make_converter",
    "metrics",
    "presence",
    "replay",
    "route",
    "simulate",
    "sweep",
    "to_dict",
    "validate",
    "variants",
]

__version__ = "0.1.0.dev0"
