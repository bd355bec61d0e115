"""The rules of govmodel: pure functions over a structure and its cases.

Routing (:mod:`govmodel.rules.routing`), escalation
(:mod:`govmodel.rules.escalation`), owners' collective decisions
(:mod:`govmodel.rules.decisions`) and the policy that tunes them
(:mod:`govmodel.rules.policy`). None of them does I/O, reads the clock or
draws random numbers: time is always an argument.
"""

from govmodel._frozenmap import FrozenMap
from govmodel.rules.access import AccessDenied, Action, can, parts, redact, strip_personal
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
    "CIVIL_CODE_278",
    "DEFAULT_POLICY",
    "AccessDenied",
    "Action",
    "Ballot",
    "CivilCode278",
    "Consultation",
    "Decision",
    "Electorate",
    "FrozenMap",
    "Policy",
    "Presence",
    "Rule",
    "can",
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
