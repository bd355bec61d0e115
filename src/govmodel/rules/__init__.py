"""The rules of govmodel: pure functions over a structure and its cases.

Routing (:mod:`govmodel.rules.routing`), escalation
(:mod:`govmodel.rules.escalation`), checking an event log against them
(:mod:`govmodel.rules.checking`), owners' collective decisions
(:mod:`govmodel.rules.decisions`), the policy that tunes them
(:mod:`govmodel.rules.policy`) and the working calendar its time limits count on
(:mod:`govmodel.rules.calendar`). None of them does I/O, reads the clock or
draws random numbers: time is always an argument.
"""

from govmodel._frozenmap import FrozenMap
from govmodel.rules.access import (
    BACK_OFFICE,
    AccessDenied,
    Action,
    BackOffice,
    ReaderRequired,
    can,
    check_reader,
    parts,
    redact,
    strip_personal,
)
from govmodel.rules.calendar import CHINA_CALENDAR, Calendar, LimitUnit, TimeLimit
from govmodel.rules.checking import LogProblem, LogProblemKind, check_log
from govmodel.rules.decisions import (
    CIVIL_CODE_278,
    Ballot,
    CivilCode278,
    Consultation,
    Decision,
    Electorate,
    Rule,
    decide,
)
from govmodel.rules.escalation import escalate, recurrences
from govmodel.rules.policy import DEFAULT_POLICY, Policy, load_policy
from govmodel.rules.routing import Presence, ladder, presence, required_domains, route

__all__ = [
    "BACK_OFFICE",
    "CHINA_CALENDAR",
    "CIVIL_CODE_278",
    "DEFAULT_POLICY",
    "AccessDenied",
    "Action",
    "BackOffice",
    "Ballot",
    "Calendar",
    "CivilCode278",
    "Consultation",
    "Decision",
    "Electorate",
    "FrozenMap",
    "LimitUnit",
    "LogProblem",
    "LogProblemKind",
    "Policy",
    "Presence",
    "ReaderRequired",
    "Rule",
    "TimeLimit",
    "can",
    "check_log",
    "check_reader",
    "decide",
    "escalate",
    "ladder",
    "load_policy",
    "parts",
    "presence",
    "recurrences",
    "redact",
    "required_domains",
    "route",
    "strip_personal",
]
