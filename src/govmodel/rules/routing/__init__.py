"""Routing: who handles a new case, at which tier, and how.

:func:`route` implements the contract of ``docs/routing.md``:

1. locate the place, its grid chain and who is present at each tier
   (:func:`presence`);
2. choose the lowest tier among micro-grid < compound < community whose reach
   covers the case's scope and whose actors together hold the required
   domains — 小事不出楼栋、大事不出社区;
3. domains that only departments hold go to the ``whistle`` tier: the
   community party organisation convenes and blows the whistle, the matching
   departments are summoned (街乡吹哨、部门报到);
4. owners' decisions are deliberated: under Civil Code art. 278 where an owners'
   committee exists, by consultation through a standing meeting where a
   self-management committee stands in for one (no-title compounds);
5. a neighbour dispute at community tier with a mediation room is mediated;
   a matter settled in the micro-grid, or by a first contact who holds every
   domain it needs, is handled on the spot (马上办); anything else is
   transferred (快速转);
6. what the community cannot settle goes to the street office (属地兜底);
7. the first contact owns the case until its return visit (首接负责制).

The tables behind it are built once per structure and policy, a place at a
time on first use, and cached on the structure. Places whose tables differ
only in the ids of their actors (every building of a city has its own
micro-grid worker) share one *shape*, and a case is routed once per shape
and kind of case; each place then fills in its own ids. Routing a case
costs a few dictionary look-ups, whatever the size of the structure.

Examples
--------
>>> import datetime as dt
>>> from govmodel import Case, Category, Scope, examples, route
>>> s = examples.load("xinhe")
>>> case = Case(id="c1", category=Category.FIRE_LANE, place="compound:wanda",
...             reported_at=dt.datetime(2025, 5, 6, 9), scope=Scope.COMPOUND)
>>> r = route(s, case)
>>> r.tier, r.procedure, r.summoned, r.convener
(<Tier.WHISTLE: 'whistle'>, <Procedure.WHISTLE: 'whistle'>, ('dept:fire',), 'party:xinhe')
"""

# Inside the package, one idea per module: _rules (the rules on a shape's
# tables: the tier, the procedure, who covers what is needed, the reason),
# _tiers (actors and tier records), _places (what a place takes from the places
# above it), _shapes (parts, shapes, plans, and the tokens that stand for ids in
# them), _tables (the tables and their cache, tables_for), _domains (domains as
# bit sets) and _fast_routing (a Routing built by setting its slots, checked
# against its constructor).

from __future__ import annotations

import datetime as dt

import attrs

from govmodel.cases import Case, Routing
from govmodel.model import Domain, Scope, Tier, Urgency
from govmodel.rules.policy import DEFAULT_POLICY, Policy
from govmodel.rules.routing._domains import EMERGENCY_KEY, SCOPE_KEY, SCOPE_OF
from govmodel.rules.routing._domains import domains_of as domains_of
from govmodel.rules.routing._fast_routing import new_routing
from govmodel.rules.routing._tables import _LAST
from govmodel.rules.routing._tables import Tables as Tables
from govmodel.rules.routing._tables import tables_for as tables_for
from govmodel.structure import Structure

__all__ = ["Presence", "ladder", "presence", "required_domains", "route"]
# For the library's own use (escalation, validation), not part of the public API:
# reroute, tables_for, presence_in, Tables and domains_of.


@attrs.frozen(kw_only=True)
class Presence:
    """Who is present at one tier for a place, and what they can settle together.

    Parameters
    ----------
    tier
        The tier.
    reach
        The largest scope the tier can settle (building, compound, community;
        ``beyond`` for the street).
    actors
        Post and body ids present, in a stable order.
    domains
        The union of their domains.
    anchor
        The grid (grid tiers) or place the tier stands on.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> tiers = presence(examples.load("xinhe"), "building:wanda-1", at=dt.date(2025, 6, 1))
    >>> for p in tiers:
    ...     print(p.tier.value, p.reach.value)
    micro_grid building
    compound compound
    community community
    whistle community
    street beyond
    """

    tier: Tier
    reach: Scope
    actors: tuple[str, ...]
    domains: frozenset[Domain]
    anchor: str | None = None


def required_domains(case: Case, *, policy: Policy = DEFAULT_POLICY) -> frozenset[Domain]:
    """The domains a case needs: its own ``domains``, else its category's default.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category
    >>> case = Case(id="c", category=Category.NOISE, place="p", reported_at=dt.datetime(2025, 1, 1))
    >>> sorted(d.value for d in required_domains(case))
    ['neighbour_dispute']
    """
    if case.domains:
        return frozenset(case.domains)
    return policy.category_domains[case.category]


def presence(
    structure: Structure, place_id: str, *, at: dt.date, policy: Policy = DEFAULT_POLICY
) -> tuple[Presence, ...]:
    """Who is present at each tier of a place's ladder on day ``at``.

    Raises
    ------
    UnknownNodeError
        When ``place_id`` is not a place of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import examples
    >>> tiers = presence(examples.load("xinhe"), "building:wanda-1", at=dt.date(2025, 6, 1))
    >>> tiers[0].actors, sorted(d.value for d in tiers[0].domains)
    (('post:grid-wanda-a-worker',), ['neighbour_dispute', 'resident_affairs'])
    """
    return presence_in(tables_for(structure, policy), place_id, at)


def presence_in(tables: Tables, place_id: str, at: dt.date) -> tuple[Presence, ...]:
    """:func:`presence` on tables of one's own (validation's, which keeps none)."""
    table = tables.place(place_id)
    shape = table.shape
    absent = tables.absent_on(table, at)
    ids = table.ids
    out: list[Presence] = []
    for tier in (*shape.grid_tiers, *((shape.whistle,) if shape.whistle else ()), shape.street):
        actors, mask = tier.actors_on(absent)
        out.append(
            Presence(
                tier=tier.tier,
                reach=tier.reach,
                # An actor named by both parts of the place comes twice: once here.
                actors=tuple(dict.fromkeys([ids[a.slot] for a in actors])),
                domains=frozenset(domains_of(mask)),
                anchor=table.name(tier.anchor),
            )
        )
    return tuple(out)


def ladder(
    structure: Structure, place_id: str, *, policy: Policy = DEFAULT_POLICY
) -> tuple[Tier, ...]:
    """The escalation ladder of a place: its tiers, lowest first, ending at ``street``.

    Examples
    --------
    >>> from govmodel import examples
    >>> [t.value for t in ladder(examples.load("xinhe"), "building:wanda-2")]
    ['micro_grid', 'compound', 'community', 'whistle', 'street']
    >>> [t.value for t in ladder(examples.load("xinhe"), "community:xinhe")]
    ['community', 'whistle', 'street']
    """
    return tables_for(structure, policy).place(place_id).ladder


def route(structure: Structure, case: Case, *, policy: Policy = DEFAULT_POLICY) -> Routing:
    """Who handles a new case, at which tier, how, by when, and why.

    Total and deterministic on a valid structure: every case gets a routing,
    the same one every time.

    Raises
    ------
    UnknownNodeError
        When the case's place is not a place of the structure.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import Case, Category, Channel, Scope, examples
    >>> s = examples.load("xinhe")
    >>> walk_in = Case(id="c2", category=Category.INQUIRY, place="community:xinhe",
    ...                reported_at=dt.datetime(2025, 5, 6, 10), channel=Channel.WALK_IN,
    ...                receiver="rc:xinhe")
    >>> r = route(s, walk_in)
    >>> r.tier, r.procedure, r.handler
    (<Tier.COMMUNITY: 'community'>, <Procedure.ON_THE_SPOT: 'on_the_spot'>, 'rc:xinhe')
    >>> print(r.reason)  # doctest: +NORMALIZE_WHITESPACE
    community tier: rc:xinhe, the first contact, holds resident_affairs:
    handled on the spot (马上办)
    """
    # The tables used last, without a call: route() mostly asks for the same pair again.
    tables = _LAST[0] if _LAST else None
    if tables is None or tables.structure is not structure or tables.policy is not policy:
        tables = tables_for(structure, policy)
    table = tables.places.get(case.place)
    if table is None:
        table = tables.place(case.place)
    domains = case.domains
    need = tables.mask_of(domains) if domains else tables.needs[case.category]
    at = case.reported_at
    day = at.date()
    receiver = case.receiver
    # Cases alike in everything that matters route alike: the place keeps what
    # the first of them was routed to, and each case adds its due time. Most
    # cases have no receiver and come when the place's posts are settled: their
    # key is one int.
    urgency = case.urgency
    emergency = urgency is _EMERGENCY
    if receiver is None and day >= table.stable_from:
        key = need | SCOPE_KEY[case.scope] | (EMERGENCY_KEY if emergency else 0)
        settled = table.get(key)
        if settled is None:
            scope = SCOPE_OF[case.scope]
            settled = table[key] = tables.settled(table, need, scope, day, emergency, key)
        number, handler, co_handlers, summoned, convener, reason, forum, supervisor = settled
        # The place's owner: its first owner candidate present, else the handler.
        owner = table.stable_owner
        if owner is None:
            owner = handler
    else:
        if receiver is not None and receiver not in tables.receivers:
            tables.check_receiver(receiver)
        others = (
            need,
            SCOPE_OF[case.scope],
            receiver,
            None if day >= table.stable_from else day,
            emergency,
        )
        entry = table.others.get(others)
        if entry is None:
            scope = SCOPE_OF[case.scope]
            entry = table.others[others] = tables.entry(
                table, need, scope, receiver, day, None, emergency
            )
        number, handler, co_handlers, summoned, convener, reason, forum, owner, supervisor = entry
    tier, procedure, tiers, covered, rule, limits = tables.consts[number]
    return new_routing(
        tier,
        procedure,
        handler,
        owner,
        limits[urgency](at),
        co_handlers,
        summoned,
        convener,
        tiers,
        reason,
        covered,
        forum,
        rule,
        supervisor,
    )


_EMERGENCY = Urgency.EMERGENCY


def reroute(
    tables: Tables,
    case: Case,
    need: int,
    *,
    min_tier: Tier,
    at: dt.datetime,
    owner: str | None,
    note: str,
) -> Routing:
    """Route ``case`` again at ``at``, from ``min_tier`` up: the routing an escalation gives.

    For the library's own use (:func:`govmodel.escalate`), not part of the
    public API.

    Parameters
    ----------
    tables
        The tables of the case's structure and policy, from :func:`tables_for`.
    case
        The case.
    need
        The domains the case needs now, as a bit set (``tables.mask_of(domains)``).
    min_tier
        The lowest tier the case may go to.
    at
        The time of the new routing; its due time counts from it.
    owner
        The case's owner (its first routing's), or ``None`` for the handler.
    note
        Put before the reason: why the case is routed again.

    Examples
    --------
    >>> import datetime as dt
    >>> from govmodel import DEFAULT_POLICY, Case, Category, Scope, Tier, examples
    >>> s = examples.load("xinhe")
    >>> t = dt.datetime(2025, 5, 6, 9)
    >>> case = Case(id="c", category=Category.NOISE, place="building:wanda-1",
    ...             reported_at=t, scope=Scope.BUILDING)
    >>> tables = tables_for(s, DEFAULT_POLICY)
    >>> r = reroute(tables, case, tables.needs[case.category], min_tier=Tier.COMPOUND,
    ...             at=t, owner=None, note="overdue; ")
    >>> r.tier.value, r.handler
    ('compound', 'post:grid-wanda-leader')
    >>> print(domains_of(tables.needs[case.category]))
    (<Domain.NEIGHBOUR_DISPUTE: 'neighbour_dispute'>,)
    """
    table = tables.places.get(case.place)
    if table is None:
        table = tables.place(case.place)
    receiver = case.receiver
    day = at.date()
    scope = SCOPE_OF[case.scope]
    emergency = case.urgency is Urgency.EMERGENCY
    key = (need, scope, receiver, None if day >= table.stable_from else day, min_tier, emergency)
    entry = table.others.get(key)
    if entry is None:
        entry = table.others[key] = tables.entry(
            table, need, scope, receiver, day, min_tier, emergency
        )
    number, handler, co_handlers, summoned, convener, reason, forum, _, supervisor = entry
    tier, procedure, tiers, covered, rule, limits = tables.consts[number]
    return new_routing(
        tier,
        procedure,
        handler,
        owner if owner is not None else handler,
        limits[case.urgency](at),
        co_handlers,
        summoned,
        convener,
        tiers,
        note + reason,
        covered,
        forum,
        rule,
        supervisor,
    )
