"""The tiers of a place and the actors present at them, built from the structure.

An *actor* is a post, body or standing meeting with the domains it holds as a
bit set. A *tier record* is who is present at one tier of a place, what they
hold together, and how owners deliberate there. :class:`TierBuilder` makes the
records of one structure under one policy, each once, and keeps them: places
under the same grids, compound, community, departments and street office share
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

import attrs

from govmodel.model import (
    Body,
    BodyKind,
    Grid,
    GridLevel,
    Meeting,
    Place,
    PlaceKind,
    Post,
    Role,
    Scope,
    TieKind,
    Tier,
)
from govmodel.rules.policy import Policy
from govmodel.rules.precedence import ROLE_ORDER, precedence
from govmodel.rules.routing._domains import ALL_DOMAINS, OWNERS_DECISION, PROPERTY_SERVICE, to_mask
from govmodel.structure import Structure

__all__ = [
    "DEPARTMENT_KINDS",
    "OWNER_RANK",
    "Actor",
    "Deliberation",
    "Periods",
    "TierBuilder",
    "TierRecord",
    "cumulative",
    "ordered",
    "settled_from",
    "tier_record",
]

# The posts that may own a case (首接负责制), the first the most preferred: the first five
# of the order of precedence.
OWNER_RANK: dict[Role, int] = {role: rank for rank, role in enumerate(ROLE_ORDER[:5])}
DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
# The party bodies that convene a community's joint handling and blow its whistle.
_CONVENING_PARTY_KINDS = (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)

Periods = tuple[tuple[dt.date, dt.date | None], ...]

_Node = TypeVar("_Node", Post, Body, Meeting, Grid)


def ordered(nodes: Iterable[_Node]) -> list[_Node]:
    """Posts, bodies, meetings or grids in the order of precedence, each once."""
    unique = {node.id: node for node in nodes}
    return sorted(unique.values(), key=precedence)


@attrs.frozen
class Actor:
    """A post, body or meeting at a tier, with the domains it holds as a bit set.

    In a place's tables ``id`` is the record's id and ``periods`` holds the
    appointments of a post. In a shape's tables ``id`` is a token that stands
    for ``slot``, a position in the ids of each place of that shape.
    """

    id: str
    mask: int
    # Appointment periods of the post's holders; () for bodies and meetings (always present).
    periods: Periods = ()
    is_post: bool = False
    slot: int = -1


@attrs.frozen
class Deliberation:
    """How owners decide at a tier: who organises it, under which rule, where."""

    handler: str
    rule: str  # "civil_code_278" or "consultation"
    forum: str | None
    convener: str | None
    helpers: tuple[str, ...]  # the compound's other bodies sitting in the forum


@attrs.frozen
class TierRecord:
    """Who is present at one tier of a place, what they hold together, how owners decide there."""

    tier: Tier
    reach: Scope
    anchor: str | None
    actors: tuple[Actor, ...]
    mask: int
    mediation_room: str | None = None
    deliberation: Deliberation | None = None

    def actors_on(self, absent: int) -> tuple[tuple[Actor, ...], int]:
        """The actors present and what they hold, ``absent`` the bit set of vacant slots.

        Only for a shape's tiers, whose actors have slots.
        """
        if not absent:
            return self.actors, self.mask
        present = tuple(a for a in self.actors if not absent >> a.slot & 1)
        mask = 0
        for actor in present:
            mask |= actor.mask
        return present, mask


def tier_record(
    tier: Tier,
    reach: Scope,
    anchor: str | None,
    actors: Iterable[Actor],
    *,
    mediation_room: str | None = None,
    deliberation: Deliberation | None = None,
) -> TierRecord:
    unique: dict[str, Actor] = {}
    for actor in actors:
        unique.setdefault(actor.id, actor)
    chosen = tuple(unique.values())
    mask = 0
    for actor in chosen:
        mask |= actor.mask
    return TierRecord(tier, reach, anchor, chosen, mask, mediation_room, deliberation)


def cumulative(tiers: Sequence[TierRecord]) -> tuple[TierRecord, ...]:
    """Each tier with the actors of the tiers below it (难事联办).

    A higher tier convenes everyone beneath it: the community can call on a
    compound's property company. Its own actors come first, so they are
    preferred as handlers.
    """
    out: list[TierRecord] = []
    below: list[Actor] = []
    deliberation = None
    for tier in tiers:
        deliberation = tier.deliberation or deliberation
        out.append(
            tier_record(
                tier.tier,
                tier.reach,
                tier.anchor,
                [*tier.actors, *below],
                mediation_room=tier.mediation_room,
                deliberation=deliberation,
            )
        )
        below = [*tier.actors, *below]
    return tuple(out)


def settled_from(periods: Periods) -> dt.date:
    """The first day from which a post's presence never changes again."""
    last = dt.date.min
    for start, end in periods:
        last = max(last, start)
        if end is not None and end < dt.date.max:
            last = max(last, end + dt.timedelta(days=1))
    return last


# Who helps the residents' committee organise an owners' decision without a forum.
_NO_FORUM_HELPERS = (BodyKind.SELF_MANAGEMENT_COMMITTEE, BodyKind.PROPERTY_COMPANY)

_NO_WHISTLE = object()


class TierBuilder:
    """The tier records and actors of one structure under one policy, each made once."""

    def __init__(self, structure: Structure, policy: Policy) -> None:
        self.structure = structure
        self.policy = policy
        self.grid_tiers: dict[str, TierRecord] = {}
        self.compound_tiers: dict[tuple[str, str | None], TierRecord] = {}
        self.community_tiers: dict[tuple[str, str | None], TierRecord] = {}
        self.whistles: dict[tuple[str, ...], TierRecord] = {}
        self.whistle_of: dict[Hashable, object] = {}
        self.streets: dict[str | None, TierRecord] = {}
        self.conveners_of: dict[str, str | None] = {}
        self.answering: dict[str, tuple[Body, ...]] = {}
        self.owner_actors: dict[str, tuple[Actor, ...]] = {}
        self.post_actors: dict[str, Actor] = {}
        self.posts_in: dict[str, tuple[Post, ...]] = {}
        self.body_masks: dict[str, int] = {}
        s = structure
        # The organisation leading a body: the first in precedence of those that lead it
        # or are embedded in it.
        self.led_by_party: dict[str, str] = {}
        leaders: dict[str, list[Body]] = {}
        for tie in s.ties():
            if tie.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN):
                leaders.setdefault(tie.target, []).append(s.body(tie.source))
        for target, sources in leaders.items():
            self.led_by_party[target] = min(sources, key=precedence).id
        # Who a supervises tie names over a body, in precedence.
        supervising: dict[str, list[Body]] = {}
        for tie in s.ties(kind=TieKind.SUPERVISES):
            supervising.setdefault(tie.target, []).append(s.body(tie.source))
        self.supervisors: dict[str, tuple[str, ...]] = {
            target: tuple(b.id for b in ordered(sources)) for target, sources in supervising.items()
        }
        # The micro-grids of each compound: those covering it or a place inside it.
        self.micro_grids_of: dict[str, list[str]] = {}
        for grid in ordered(s.grids(level=GridLevel.MICRO)):
            compounds: set[str] = set()
            for place_id in grid.covers:
                compound = s.enclosing(place_id, PlaceKind.COMPOUND)
                if compound is not None:
                    compounds.add(compound.id)
            for compound_id in compounds:
                self.micro_grids_of.setdefault(compound_id, []).append(grid.id)
        self.embedded_in: dict[str, list[str]] = {}
        for tie in s.ties():
            if tie.kind is TieKind.EMBEDDED_IN:
                self.embedded_in.setdefault(tie.source, []).append(tie.target)
        self.partners: dict[str, list[str]] = {}
        for tie in s.ties():
            if tie.kind in (TieKind.PARTNERS, TieKind.PAIRED):
                self.partners.setdefault(tie.source, []).append(tie.target)
                self.partners.setdefault(tie.target, []).append(tie.source)
        self.meeting_mask = to_mask(policy.meeting_domains)
        self.meetings_with: dict[str, list[Meeting]] = {}
        for meeting in ordered(s.meetings()):
            for member in dict.fromkeys((meeting.convener, *meeting.members)):
                self.meetings_with.setdefault(member, []).append(meeting)

    def answering_for(self, place_id: str) -> tuple[Body, ...]:
        """The bodies answering for a place, in the order of precedence."""
        bodies = self.answering.get(place_id)
        if bodies is None:
            bodies = self.answering[place_id] = tuple(
                ordered(self.structure.answering_for(place_id))
            )
        return bodies

    def own_bodies(self, compound: Place) -> tuple[Body, ...]:
        """The bodies serving the compound or answering for it, in the order of precedence."""
        return tuple(
            ordered((*self.structure.serving(compound.id), *self.answering_for(compound.id)))
        )

    # -- actors --------------------------------------------------------------

    def body_mask(self, body: Body) -> int:
        mask = self.body_masks.get(body.id)
        if mask is None:
            if body.domains is not None:
                mask = to_mask(body.domains)
            else:
                mask = to_mask(self.policy.body_domains.get(body.kind, ()))
            self.body_masks[body.id] = mask
        return mask

    def post_actor(self, post: Post) -> Actor:
        actor = self.post_actors.get(post.id)
        if actor is None:
            periods = tuple((a.start, a.end) for a in self.structure.appointments_of(post.id))
            mask = to_mask(self.policy.role_domains.get(post.role, ()))
            actor = self.post_actors[post.id] = Actor(post.id, mask, periods, is_post=True)
        return actor

    def posts_of(self, owner: str) -> tuple[Post, ...]:
        """The posts of a grid or body, in the order of precedence."""
        posts = self.posts_in.get(owner)
        if posts is None:
            posts = tuple(ordered(self.structure.posts_in(owner)))
            self.posts_in[owner] = posts
        return posts

    def owners_in(self, grid_id: str) -> tuple[Actor, ...]:
        """The posts of a grid that may own a case, in order of preference."""
        owners = self.owner_actors.get(grid_id)
        if owners is None:
            posts = [p for p in self.posts_of(grid_id) if p.role in OWNER_RANK]
            owners = self.owner_actors[grid_id] = tuple(self.post_actor(p) for p in posts)
        return owners

    # -- tiers ---------------------------------------------------------------

    def micro_tier(self, grid_id: str) -> TierRecord:
        cached = self.grid_tiers.get(grid_id)
        if cached is None:
            grid = self.structure.grid(grid_id)
            kinds = {self.structure.place(p).kind for p in grid.covers}
            reach = Scope.COMPOUND if PlaceKind.COMPOUND in kinds else Scope.BUILDING
            actors = [self.post_actor(p) for p in self.posts_of(grid_id)]
            cached = tier_record(Tier.MICRO_GRID, reach, grid_id, actors)
            self.grid_tiers[grid_id] = cached
        return cached

    def compound_tier(self, compound: Place, grid_id: str | None) -> TierRecord:
        key = (compound.id, grid_id)
        cached = self.compound_tiers.get(key)
        if cached is not None:
            return cached
        s = self.structure
        actors: list[Actor] = []
        if grid_id is not None:
            actors += [self.post_actor(p) for p in self.posts_of(grid_id)]
        bodies = self.own_bodies(compound)
        owners_committee = next((b for b in bodies if b.kind is BodyKind.OWNERS_COMMITTEE), None)
        smc = next((b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
        # Without a property company the self-management committee organises repairs.
        has_company = any(b.kind is BodyKind.PROPERTY_COMPANY for b in bodies)
        for body in bodies:
            mask = self.body_mask(body)
            if not has_company and body.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE:
                mask |= PROPERTY_SERVICE
            actors.append(Actor(body.id, mask))
        meetings = ordered(s.meetings_for(compound.id))
        deliberation = None
        if owners_committee is not None:
            forum = meetings[0] if meetings else None
            convener = forum.convener if forum else self.led_by_party.get(owners_committee.id)
            helpers = (
                [b.id for b in bodies if b.id in forum.members]
                if forum
                else [b.id for b in bodies if b.kind is BodyKind.PROPERTY_COMPANY]
            )
            deliberation = Deliberation(
                owners_committee.id,
                "civil_code_278",
                forum.id if forum else None,
                convener,
                tuple(h for h in helpers if h != owners_committee.id),
            )
        else:
            consulting = self.consultation_meeting(compound, bodies, at_compound=True)
            if consulting is not None:
                deliberation = self.consultation(consulting, smc, bodies)
                actors.append(Actor(consulting.id, OWNERS_DECISION | self.meeting_mask))
                meetings = [m for m in meetings if m.id != consulting.id]
        for meeting in meetings:
            actors.append(Actor(meeting.id, self.meeting_mask))
        # The posts of the compound's micro-grids, whichever of its places the case names.
        micro = [p for g in self.micro_grids_of.get(compound.id, ()) for p in self.posts_of(g)]
        actors += [self.post_actor(p) for p in ordered(micro)]
        tier = tier_record(
            Tier.COMPOUND, Scope.COMPOUND, compound.id, actors, deliberation=deliberation
        )
        self.compound_tiers[key] = tier
        return tier

    def consultation_meeting(
        self, compound: Place, own: Sequence[Body], *, at_compound: bool
    ) -> Meeting | None:
        """The standing meeting that consults a compound's households (征询).

        For a compound with no owners' committee.
        One the compound's own bodies (its self-management committee, its
        property company) sit in: for the compound itself at compound tier;
        any other at community tier (Zhuanqiao's four-party meeting,
        Shagangwan's 15th-of-month meeting).
        """
        for body in own:
            for meeting in self.meetings_with.get(body.id, ()):
                for_compound = meeting.place == compound.id
                if for_compound == at_compound:
                    return meeting
        return None

    def consultation(self, forum: Meeting, smc: Body | None, own: Sequence[Body]) -> Deliberation:
        # The self-management committee organises it where there is one;
        # otherwise whoever convenes the forum (Shagangwan: 居委联合物业).
        handler = smc.id if smc is not None else forum.convener
        helpers = tuple(b.id for b in own if b.id in forum.members and b.id != handler)
        return Deliberation(handler, "consultation", forum.id, forum.convener, helpers)

    def community_tier(
        self, community: Place, grid_id: str | None, compound: Place | None
    ) -> TierRecord:
        key = (community.id, grid_id if compound is None else f"{grid_id}|{compound.id}")
        cached = self.community_tiers.get(key)
        if cached is not None:
            return cached
        s = self.structure
        actors: list[Actor] = []
        if grid_id is not None:
            actors += [self.post_actor(p) for p in self.posts_of(grid_id)]
        bodies = self.answering_for(community.id)
        rc = next((b for b in bodies if b.kind is BodyKind.RESIDENTS_COMMITTEE), None)
        room = next((b.id for b in bodies if b.kind is BodyKind.MEDIATION_ROOM), None)
        rc_also = 0
        deliberation = None
        consulting: Meeting | None = None
        if compound is not None:
            own = self.own_bodies(compound)
            smc = next((b for b in own if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
            if smc is None and not any(b.kind is BodyKind.PROPERTY_COMPANY for b in own):
                rc_also |= PROPERTY_SERVICE  # 社区兜底
            if not any(b.kind is BodyKind.OWNERS_COMMITTEE for b in own):
                consulting = self.consultation_meeting(compound, own, at_compound=False)
                if consulting is not None:
                    deliberation = self.consultation(consulting, smc, own)
                elif (
                    rc is not None
                    and self.consultation_meeting(compound, own, at_compound=True) is None
                ):
                    # No forum: the residents' committee organises the owners' decision.
                    deliberation = Deliberation(
                        rc.id,
                        "civil_code_278" if compound.title else "consultation",
                        None,
                        self.convener_of(community),
                        tuple(b.id for b in own if b.kind in _NO_FORUM_HELPERS),
                    )
                    rc_also |= OWNERS_DECISION
        for body in bodies:
            mask = self.body_mask(body)
            if rc is not None and body.id == rc.id:
                mask |= rc_also
            actors.append(Actor(body.id, mask))
        # Posts inside community bodies (mediators, legal advisers) are present too.
        inside = [p for body in bodies for p in self.posts_of(body.id)]
        actors += [self.post_actor(p) for p in ordered(inside)]
        if consulting is not None:
            actors.append(Actor(consulting.id, OWNERS_DECISION | self.meeting_mask))
        for meeting in ordered(s.meetings_for(community.id)):
            if consulting is None or meeting.id != consulting.id:
                actors.append(Actor(meeting.id, self.meeting_mask))
        tier = tier_record(
            Tier.COMMUNITY,
            Scope.COMMUNITY,
            community.id,
            actors,
            mediation_room=room,
            deliberation=deliberation,
        )
        self.community_tiers[key] = tier
        return tier

    def whistle_tier(
        self, departments: tuple[Body, ...], community: Place | None
    ) -> TierRecord | None:
        # Departments answer for the place through their jurisdiction, the
        # nearest place of the lineage first.
        key = (tuple(b.id for b in departments), community.id if community else None)
        cached = self.whistle_of.get(key)
        if cached is None:
            cached = self.whistle_of[key] = self.make_whistle(departments, community)
        return cached if isinstance(cached, TierRecord) else None

    def make_whistle(self, departments: Sequence[Body], community: Place | None) -> object:
        s = self.structure
        units = list(departments)
        if community is not None:
            # Partner units paired with the community's bodies answer for it too.
            for body in self.answering_for(community.id):
                for partner_id in self.partners.get(body.id, ()):
                    # A paired party branch brings the unit it is embedded in
                    # (Zhuanqiao's pairing with the telecom company's branch).
                    for unit_id in (partner_id, *self.embedded_in.get(partner_id, ())):
                        unit = s.body(unit_id)
                        if unit.kind is BodyKind.PARTNER_UNIT:
                            units.append(unit)
        actors = [Actor(unit.id, self.body_mask(unit)) for unit in ordered(units)]
        if not actors:
            return _NO_WHISTLE
        # Places under the same departments share one whistle tier.
        key = tuple(a.id for a in actors)
        tier = self.whistles.get(key)
        if tier is None:
            tier = self.whistles[key] = tier_record(Tier.WHISTLE, Scope.COMMUNITY, None, actors)
        return tier

    def street_tier(self, office: Body | None) -> TierRecord:
        key = office.id if office is not None else None
        tier = self.streets.get(key)
        if tier is None:
            actors = [Actor(office.id, to_mask(ALL_DOMAINS))] if office is not None else []
            tier = self.streets[key] = tier_record(Tier.STREET, Scope.BEYOND, key, actors)
        return tier

    def convener_of(self, community: Place | None) -> str | None:
        """The party committee, or else party branch, that answers for the community."""
        if community is None:
            return None
        if community.id not in self.conveners_of:
            # In precedence: a party committee before a party branch.
            party = [
                b for b in self.answering_for(community.id) if b.kind in _CONVENING_PARTY_KINDS
            ]
            self.conveners_of[community.id] = party[0].id if party else None
        return self.conveners_of[community.id]
