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

import attrs

from govmodel.model import (
    Body,
    BodyKind,
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
from govmodel.rules.routing._domains import ALL_DOMAINS, OWNERS_DECISION, to_mask
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
    "settled_from",
    "tier_record",
]

_OWNER_ROLES = (
    Role.MICRO_GRID_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_GROUP_LEADER,
    Role.PARTY_SECOND_LEADER,
    Role.GRID_LEADER,
)
# The posts that may own a case (首接负责制), the first the most preferred.
OWNER_RANK = {role: rank for rank, role in enumerate(_OWNER_ROLES)}
DEPARTMENT_KINDS = (BodyKind.DEPARTMENT, BodyKind.PARTNER_UNIT)
# The party bodies that convene a community's joint handling and blow its whistle.
_CONVENING_PARTY_KINDS = (BodyKind.PARTY_COMMITTEE, BodyKind.PARTY_BRANCH)

Periods = tuple[tuple[dt.date, dt.date | None], ...]


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
        self.led_by_party: dict[str, str] = {}
        for tie in s.ties():
            if tie.kind in (TieKind.LEADS, TieKind.EMBEDDED_IN):
                self.led_by_party.setdefault(tie.target, tie.source)
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
        for meeting in s.meetings():
            for member in (meeting.convener, *meeting.members):
                self.meetings_with.setdefault(member, []).append(meeting)

    def answering_for(self, place_id: str) -> tuple[Body, ...]:
        bodies = self.answering.get(place_id)
        if bodies is None:
            bodies = self.answering[place_id] = self.structure.answering_for(place_id)
        return bodies

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
        posts = self.posts_in.get(owner)
        if posts is None:
            posts = self.structure.posts_in(owner)
            self.posts_in[owner] = posts
        return posts

    def owners_in(self, grid_id: str) -> tuple[Actor, ...]:
        """The posts of a grid that may own a case, in order of preference."""
        owners = self.owner_actors.get(grid_id)
        if owners is None:
            posts = sorted(
                (p for p in self.posts_of(grid_id) if p.role in OWNER_RANK),
                key=lambda p: OWNER_RANK[p.role],
            )
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
        bodies = (*s.serving(compound.id), *self.answering_for(compound.id))
        owners_committee = next((b for b in bodies if b.kind is BodyKind.OWNERS_COMMITTEE), None)
        smc = next((b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None)
        for body in bodies:
            actors.append(Actor(body.id, self.body_mask(body)))
        meetings = list(s.meetings_for(compound.id))
        deliberation = None
        own = [b.id for b in bodies]
        if owners_committee is not None:
            forum = meetings[0] if meetings else None
            convener = forum.convener if forum else self.led_by_party.get(owners_committee.id)
            helpers = (
                [m for m in forum.members if m in own]
                if forum
                else [b.id for b in s.serving(compound.id)]
            )
            deliberation = Deliberation(
                owners_committee.id,
                "civil_code_278",
                forum.id if forum else None,
                convener,
                tuple(h for h in helpers if h != owners_committee.id),
            )
        else:
            consulting = self.consultation_meeting(compound, own, at_compound=True)
            if consulting is not None:
                deliberation = self.consultation(consulting, smc, own)
                actors.append(Actor(consulting.id, OWNERS_DECISION | self.meeting_mask))
                meetings = [m for m in meetings if m.id != consulting.id]
        for meeting in meetings:
            actors.append(Actor(meeting.id, self.meeting_mask))
        tier = tier_record(
            Tier.COMPOUND, Scope.COMPOUND, compound.id, actors, deliberation=deliberation
        )
        self.compound_tiers[key] = tier
        return tier

    def consultation_meeting(
        self, compound: Place, own: Sequence[str], *, at_compound: bool
    ) -> Meeting | None:
        """The standing meeting that consults a compound's households (征询).

        For a compound with no owners' committee.
        One the compound's own bodies (its self-management committee, its
        property company) sit in: for the compound itself at compound tier;
        any other at community tier (Zhuanqiao's four-party meeting,
        Shagangwan's 15th-of-month meeting).
        """
        for body_id in own:
            for meeting in self.meetings_with.get(body_id, ()):
                for_compound = meeting.place == compound.id
                if for_compound == at_compound:
                    return meeting
        return None

    def consultation(self, forum: Meeting, smc: Body | None, own: Sequence[str]) -> Deliberation:
        # The self-management committee organises it where there is one;
        # otherwise whoever convenes the forum (Shagangwan: 居委联合物业).
        handler = smc.id if smc is not None else forum.convener
        helpers = tuple(m for m in forum.members if m in own and m != handler)
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
        room: str | None = None
        for body in self.answering_for(community.id):
            actors.append(Actor(body.id, self.body_mask(body)))
            if body.kind is BodyKind.MEDIATION_ROOM and room is None:
                room = body.id
            # Posts inside community bodies (mediators, legal advisers) are present too.
            actors += [self.post_actor(p) for p in self.posts_of(body.id)]
        deliberation = None
        consulting: Meeting | None = None
        if compound is not None:
            bodies = (*s.serving(compound.id), *self.answering_for(compound.id))
            if not any(b.kind is BodyKind.OWNERS_COMMITTEE for b in bodies):
                own = [b.id for b in bodies]
                smc = next(
                    (b for b in bodies if b.kind is BodyKind.SELF_MANAGEMENT_COMMITTEE), None
                )
                consulting = self.consultation_meeting(compound, own, at_compound=False)
                if consulting is not None:
                    deliberation = self.consultation(consulting, smc, own)
                    actors.append(Actor(consulting.id, OWNERS_DECISION | self.meeting_mask))
        for meeting in s.meetings_for(community.id):
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
        actors: list[Actor] = []
        seen: set[str] = set()
        for body in departments:
            if body.id not in seen:
                seen.add(body.id)
                actors.append(Actor(body.id, self.body_mask(body)))
        if community is not None:
            # Partner units paired with the community's bodies answer for it too.
            for body in self.answering_for(community.id):
                for partner_id in self.partners.get(body.id, ()):
                    # A paired party branch brings the unit it is embedded in
                    # (Zhuanqiao's pairing with the telecom company's branch).
                    for unit_id in (partner_id, *self.embedded_in.get(partner_id, ())):
                        unit = s.body(unit_id)
                        if unit.kind is BodyKind.PARTNER_UNIT and unit.id not in seen:
                            seen.add(unit.id)
                            actors.append(Actor(unit.id, self.body_mask(unit)))
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
            party = [
                b for b in self.answering_for(community.id) if b.kind in _CONVENING_PARTY_KINDS
            ]
            party.sort(key=lambda b: b.kind is not BodyKind.PARTY_COMMITTEE)
            self.conveners_of[community.id] = party[0].id if party else None
        return self.conveners_of[community.id]
