"""The order of precedence among actors: who comes first when the rules must choose.

Routing chooses a handler by what an actor holds, and when two hold as much, by
this order, never by the order of a spec's lists: the same community written
with its lists shuffled routes every case alike. Posts come in the order of
:data:`ROLE_ORDER` (the front line first: the posts that would own a case
without a first contact, 首接负责制), bodies in the order of
:data:`BODY_ORDER`, standing meetings after them, and the id breaks every tie.

Examples
--------
>>> from govmodel import examples
>>> s = examples.load("zhuanqiao")
>>> [p.role.value for p in sorted(s.posts_in("grid:dongbei-micro"), key=precedence)]
['building_group_leader', 'party_second_leader', 'red_property_specialist']
"""

from __future__ import annotations

from govmodel.model import Body, BodyKind, Grid, Meeting, Post, Role

__all__ = ["BODY_ORDER", "ROLE_ORDER", "precedence"]

ROLE_ORDER: tuple[Role, ...] = (
    Role.MICRO_GRID_WORKER,
    Role.GRID_WORKER,
    Role.BUILDING_GROUP_LEADER,
    Role.PARTY_SECOND_LEADER,
    Role.GRID_LEADER,
    Role.BUILDING_STEWARD,
    Role.RED_PROPERTY_SPECIALIST,
    Role.PROPERTY_SUPERVISOR,
    Role.INFORMATION_OFFICER,
    Role.VANGUARD_POST,
    Role.MEDIATOR,
    Role.LEGAL_ADVISER,
    Role.PARTY_INSTRUCTOR,
    Role.SECRETARY,
    Role.MEMBER,
)
"""Posts, the front line first: the grid posts that own a case without a first contact
(micro-grid worker, grid worker, building-group leader, party second leader, grid leader),
then the property posts, then the rest."""

BODY_ORDER: tuple[BodyKind, ...] = tuple(BodyKind)
"""Bodies in the order of :class:`~govmodel.model.BodyKind`: party organisations, the
residents' committee, the owners' and self-management committees, property companies,
departments, partner units, the mediation room, teams, the street office."""

_ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_ORDER)}
_BODY_RANK = {kind: rank for rank, kind in enumerate(BODY_ORDER)}


def precedence(node: Post | Body | Meeting | Grid) -> tuple[int, int, str]:
    """The sort key of an actor: posts, then bodies, then meetings; by rank, then id.

    Grids sort by id.

    Examples
    --------
    >>> from govmodel import Body, BodyKind, Meeting, Post, Role
    >>> nodes = [Meeting(id="meeting:a", convener="party:x"),
    ...          Body(id="pm:b", kind=BodyKind.PROPERTY_COMPANY),
    ...          Body(id="oc:c", kind=BodyKind.OWNERS_COMMITTEE),
    ...          Post(id="post:z", role=Role.GRID_WORKER, within="grid:g"),
    ...          Post(id="post:y", role=Role.GRID_LEADER, within="grid:g")]
    >>> [n.id for n in sorted(nodes, key=precedence)]
    ['post:z', 'post:y', 'oc:c', 'pm:b', 'meeting:a']
    """
    if isinstance(node, Post):
        return (0, _ROLE_RANK.get(node.role, len(ROLE_ORDER)), node.id)
    if isinstance(node, Body):
        return (1, _BODY_RANK[node.kind], node.id)
    return (2, 0, node.id)
