"""Domains as bit sets, and a case's scope as the tables see it.

Routing compares what a case needs with what actors hold many times per case,
so a set of domains is an int with one bit per :class:`~govmodel.model.Domain`.
"""

from __future__ import annotations

from collections.abc import Iterable

from govmodel.model import Domain, Scope

__all__ = [
    "ALL_DOMAINS",
    "BIT",
    "EMERGENCY_KEY",
    "NEIGHBOUR_DISPUTE",
    "OWNERS_DECISION",
    "PROPERTY_SERVICE",
    "SCOPE_KEY",
    "SCOPE_OF",
    "SUPERVISION",
    "domains_of",
    "names",
    "to_mask",
]

BIT = {domain: 1 << i for i, domain in enumerate(Domain)}
OWNERS_DECISION = BIT[Domain.OWNERS_DECISION]
NEIGHBOUR_DISPUTE = BIT[Domain.NEIGHBOUR_DISPUTE]
PROPERTY_SERVICE = BIT[Domain.PROPERTY_SERVICE]
SUPERVISION = BIT[Domain.SUPERVISION]
ALL_DOMAINS = frozenset(Domain)


def to_mask(domains: Iterable[Domain]) -> int:
    """The bit set of some domains.

    Examples
    --------
    >>> from govmodel.model import Domain
    >>> domains_of(to_mask([Domain.LEGAL, Domain.HOUSING])) == (Domain.HOUSING, Domain.LEGAL)
    True
    """
    out = 0
    for domain in domains:
        out |= BIT[domain]
    return out


_DOMAINS_OF: dict[int, tuple[Domain, ...]] = {}


def domains_of(bits: int) -> tuple[Domain, ...]:
    """The domains of a bit set, in the order of :class:`~govmodel.model.Domain` (memoised)."""
    domains = _DOMAINS_OF.get(bits)
    if domains is None:
        domains = tuple(d for d, bit in BIT.items() if bits & bit)
        _DOMAINS_OF[bits] = domains
    return domains


_NAMES: dict[int, str] = {}


def names(bits: int) -> str:
    """The values of a bit set's domains, comma-separated, as reason texts give them."""
    text = _NAMES.get(bits)
    if text is None:
        text = _NAMES[bits] = ", ".join(d.value for d in domains_of(bits))
    return text


# Every tier reaches at least a building, so a household matter routes as a
# building matter does: the routing tables see one scope for both. A case's
# key in a place's table is one int where it can be: its domains and scope.
SCOPE_OF = {scope: max(scope, Scope.BUILDING) for scope in Scope}
SCOPE_KEY = {scope: (SCOPE_OF[scope].rank + 1) << len(BIT) for scope in Scope}
# An emergency routes apart from any other case of its kind: one more bit of the key.
EMERGENCY_KEY = 1 << (len(BIT) + 8)
