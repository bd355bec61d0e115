"""govmodel: party-led grassroots governance as typed data and pure rules.

Describe a community in a spec, load it as a :class:`Structure` (a frozen
networkx graph with typed queries), check it with :func:`validate`, and
property-test your own code with :mod:`govmodel.strategies`.

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
from govmodel.spec import SCHEMA, dump, dumps, load, loads, make_converter, to_dict
from govmodel.structure import Relation, Structure
from govmodel.validation import Severity, Violation, validate

__all__ = [
    "SCHEMA",
    "Appointment",
    "Body",
    "BodyKind",
    "Domain",
    "Frequency",
    "GovModelError",
    "Grid",
    "GridLevel",
    "Meeting",
    "MissingExtraError",
    "Person",
    "Place",
    "PlaceKind",
    "Post",
    "Relation",
    "Role",
    "Severity",
    "SpecError",
    "SpecProblem",
    "Structure",
    "Tie",
    "TieKind",
    "UnknownNodeError",
    "Violation",
    "dump",
    "dumps",
    "examples",
    "load",
    "loads",
    "make_converter",
    "to_dict",
    "validate",
]

__version__ = "0.1.0.dev0"
