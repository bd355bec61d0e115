"""新河社区 Xinhe community (Xinhua street), seed 002: four stories, end to end.

From the article:

- the registration window (诉求登记专窗) registers visitors on the spot and sorts
  their requests: what can be done there is done at once (现场能办的"马上办"),
  what needs coordination is passed on quickly (需协调的"快速转");
- the 心合心 mediation room (心合心调解室), set up by the community party
  committee, works under first-contact responsibility (首接负责制); residents
  book through a grid worker or walk in (通过网格员预约、现场来访); 3 full-time
  mediators and 2 legal advisers (专职调解员3名、法律顾问2名); 310-odd disputes
  settled, "小事不出楼栋、大事不出社区";
- long-running, multi-domain requests get a red whistle order from the
  community party committee (由社区党委牵头形成"红色吹哨单") that calls in the
  functional departments: fire-lane occupation (占用消防通道), storage-room
  meters, leak disputes (漏水纠纷) — 56 this year;
- excellent property stewards serve as part-time grid workers and make the
  five daily checks (五必查: sanitation, safety hazards, ...);
- one case, one return visit (一案一回访): 230-odd disputes revisited, 15
  latent disputes found and defused early (通过回访发现并提前化解潜在矛盾15起).

Illustrative (the article describes no single case): what each request was
about, the buildings (placeholders of xinhe.toml), every date and time. The
model has no post for the window: the residents' committee is its receiver.

Run: ``.venv/bin/python examples/xinhe.py``
"""

from __future__ import annotations

import datetime as dt

from _story import Check, Plot, Story, tell

from govmodel import (
    Case,
    Category,
    Channel,
    Domain,
    Procedure,
    Scope,
    Structure,
    Tier,
    Urgency,
    examples,
)

SOURCE = "seed 002, 新河社区“党建领航·红色物业” (供稿: 新华街道新河社区)"


def structure() -> Structure:
    """The bundled Xinhe structure."""
    return examples.load("xinhe")


def window_request() -> Story:
    """A walk-in at the registration window, handled on the spot (马上办)."""
    s = structure()
    t = dt.datetime(2025, 5, 6, 10, 0)
    case = Case(
        id="xinhe:window-inquiry",
        category=Category.INQUIRY,
        place="community:xinhe",
        reported_at=t,
        channel=Channel.WALK_IN,
        scope=Scope.HOUSEHOLD,
        receiver="rc:xinhe",
        description="How to sign up for the 助医 (help with doctor visits) service",
    )
    plot = Plot(
        s,
        case,
        "An elderly resident comes to the registration window (诉求登记专窗) to ask how to sign "
        'up for the 助医 service, one of the 34 "九助" services; the request is registered on the '
        "spot (当场登记).",
    )
    r = plot.route(t + dt.timedelta(minutes=2))
    plot.accept(t + dt.timedelta(minutes=2), "rc:xinhe")
    plot.resolve(
        t + dt.timedelta(minutes=20),
        "rc:xinhe",
        "Signed up at the window, with the first appointment booked (马上办).",
    )
    plot.revisit(
        dt.datetime(2025, 5, 8, 15),
        "rc:xinhe",
        satisfied=True,
        text="A phone call two days later: the first visit went well.",
    )
    plot.close(dt.datetime(2025, 5, 8, 15, 10), "rc:xinhe")
    return plot.story(
        title="Xinhe 新河 · a walk-in at the registration window",
        source=SOURCE,
        checks=(
            Check(
                'What can be done at the window is done at once (现场能办的"马上办").',
                r.procedure is Procedure.ON_THE_SPOT,
            ),
            Check(
                "The one who registered it handles it (首接负责).",
                r.handler == "rc:xinhe" and r.owner == "rc:xinhe",
            ),
        ),
    )


def leak_mediation() -> Story:
    """A leak between two flats, and who pays: the 心合心 mediation room."""
    s = structure()
    t = dt.datetime(2025, 7, 14, 20, 15)
    case = Case(
        id="xinhe:wanda-3-leak",
        category=Category.LEAK,
        place="building:wanda-3",
        reported_at=t,
        channel=Channel.WECHAT,
        scope=Scope.COMMUNITY,
        domains=(Domain.NEIGHBOUR_DISPUTE, Domain.LEGAL),
        receiver="post:grid-wanda-b-worker",
        description="Water from the flat above stains a ceiling in building 3; the two "
        "households disagree on who pays",
    )
    plot = Plot(
        s,
        case,
        "The leak itself is fixed, but the two households of building 3 cannot agree on who pays "
        "for the stained ceiling. One of them asks the grid worker in the WeChat group for a "
        "mediation appointment (通过网格员预约).",
    )
    r = plot.route(t + dt.timedelta(minutes=10))
    plot.accept(
        dt.datetime(2025, 7, 15, 9),
        "mediation:xinhexin",
        "The mediation room takes it under first-contact responsibility (首接负责制).",
    )
    plot.note(
        dt.datetime(2025, 7, 16, 15),
        "A full-time mediator hears both households; a legal adviser explains who is liable for "
        "a leak from a flat's own pipes (提供法律专业咨询).",
    )
    plot.resolve(
        dt.datetime(2025, 7, 18, 16),
        "mediation:xinhexin",
        "Agreement signed: the upstairs household pays for repainting.",
    )
    plot.revisit(
        dt.datetime(2025, 7, 28, 10),
        "post:grid-wanda-b-worker",
        satisfied=True,
        text="The grid worker checks back: ceiling repainted, no further quarrel.",
    )
    plot.close(dt.datetime(2025, 7, 28, 10, 30), "post:grid-wanda-b-worker")
    return plot.story(
        title="Xinhe 新河 · a leak dispute at the 心合心 mediation room",
        source=SOURCE,
        checks=(
            Check(
                "The dispute goes to the 心合心 mediation room (心合心调解室).",
                r.procedure is Procedure.MEDIATION and r.handler == "mediation:xinhexin",
            ),
            Check(
                "It stays in the community (大事不出社区).",
                r.tier is Tier.COMMUNITY,
            ),
            Check(
                "The grid worker who booked it answers for it until the return visit "
                "(首接负责, 一案一回访).",
                r.owner == "post:grid-wanda-b-worker",
            ),
        ),
    )


def fire_lane() -> Story:
    """A blocked fire lane: the party committee's red whistle order calls the fire brigade."""
    s = structure()
    t = dt.datetime(2025, 6, 3, 8, 30)
    case = Case(
        id="xinhe:wanda-fire-lane",
        category=Category.FIRE_LANE,
        place="compound:wanda",
        reported_at=t,
        channel=Channel.PATROL,
        scope=Scope.COMPOUND,
        urgency=Urgency.URGENT,
        receiver="post:grid-wanda-a-worker",
        description="Cars parked night after night in the fire lane of 万达华府",
    )
    plot = Plot(
        s,
        case,
        "On the five daily checks (五必查: 安全隐患) the steward who serves as part-time grid "
        "worker finds the fire lane of 万达华府 blocked again by parked cars; the property's "
        "notices have not stopped it for weeks (持续时间长).",
    )
    r = plot.route(t + dt.timedelta(minutes=15))
    plot.note(
        t + dt.timedelta(hours=1, minutes=30),
        "The community party committee issues a red whistle order (红色吹哨单).",
    )
    plot.accept(
        t + dt.timedelta(hours=5, minutes=30),
        r.handler or "dept:fire",
        "The fire brigade reports (部门报到).",
    )
    plot.note(
        dt.datetime(2025, 6, 4, 9),
        "Joint action: the fire brigade inspects and warns the car owners, 诚信行物业 clears the "
        "lane, marks it and puts up bollards (协同攻坚).",
    )
    plot.resolve(dt.datetime(2025, 6, 4, 11, 30), r.handler or "dept:fire", "The lane is clear.")
    plot.revisit(
        dt.datetime(2025, 6, 11, 8, 30),
        "post:grid-wanda-a-worker",
        satisfied=True,
        text="A week later, on the daily checks: the lane is still clear.",
    )
    plot.close(dt.datetime(2025, 6, 11, 9), "post:grid-wanda-a-worker")
    return plot.story(
        title="Xinhe 新河 · a blocked fire lane and a red whistle order",
        source=SOURCE,
        checks=(
            Check(
                "The community party committee leads a red whistle order (由社区党委牵头形成"
                '"红色吹哨单").',
                r.procedure is Procedure.WHISTLE and r.convener == "party:xinhe",
            ),
            Check(
                "The functional department is called in: the fire brigade (调动职能部门).",
                "dept:fire" in r.summoned,
            ),
            Check(
                "The property company works with it (协同攻坚).",
                "pm:cxh" in r.actors,
            ),
        ),
    )


def revisit_reopens() -> Story:
    """A return visit finds a latent dispute; the case reopens and goes to mediation."""
    s = structure()
    t = dt.datetime(2025, 5, 12, 21, 30)
    case = Case(
        id="xinhe:wanda-1-renovation-noise",
        category=Category.NOISE,
        place="building:wanda-1",
        reported_at=t,
        channel=Channel.WECHAT,
        scope=Scope.BUILDING,
        receiver="post:grid-wanda-a-worker",
        description="Renovation noise late in the evening in building 1",
    )
    plot = Plot(
        s,
        case,
        "A resident of building 1 posts in the WeChat group at 21:30: the flat above is "
        "drilling late at night. The grid worker answers at once (24小时在线响应).",
    )
    first = plot.route(t + dt.timedelta(minutes=5))
    plot.accept(t + dt.timedelta(minutes=5), "post:grid-wanda-a-worker")
    plot.resolve(
        dt.datetime(2025, 5, 13, 10),
        "post:grid-wanda-a-worker",
        "The renovating household agrees to work 8:00–18:00 only.",
    )
    plot.revisit(
        dt.datetime(2025, 5, 20, 16),
        "post:grid-wanda-a-worker",
        satisfied=True,
        found=(Domain.LEGAL,),
        text="The return visit (一案一回访): the noise has stopped, but the drilling cracked the "
        "resident's ceiling and the neighbour refuses to pay — a latent dispute (潜在矛盾) that "
        "needs legal advice.",
    )
    plot.reopen(
        dt.datetime(2025, 5, 20, 16, 30),
        "post:grid-wanda-a-worker",
        "latent dispute found on the return visit: who pays for the cracked ceiling",
        domains=(Domain.LEGAL,),
        text="Followed up before it flares (对潜在矛盾隐患主动跟进疏导).",
    )
    second = plot.escalate(dt.datetime(2025, 5, 20, 16, 30))
    if second is None:
        raise RuntimeError("a newly found domain should re-route the case")
    plot.note(
        dt.datetime(2025, 5, 22, 15),
        "A mediator and a legal adviser of the 心合心 mediation room meet both households.",
    )
    plot.resolve(
        dt.datetime(2025, 5, 23, 11),
        second.handler or "mediation:xinhexin",
        "Settled early (提前化解): the upstairs household pays for the repair.",
    )
    plot.revisit(
        dt.datetime(2025, 6, 3, 10),
        "post:grid-wanda-a-worker",
        satisfied=True,
        text="Second return visit: ceiling repaired, neighbours at peace.",
    )
    plot.close(dt.datetime(2025, 6, 3, 10, 30), "post:grid-wanda-a-worker")
    return plot.story(
        title="Xinhe 新河 · a return visit finds a latent dispute",
        source=SOURCE,
        checks=(
            Check(
                "The noise is settled in the building (小事不出楼栋).",
                first.tier is Tier.MICRO_GRID and first.procedure is Procedure.ON_THE_SPOT,
            ),
            Check(
                "The latent dispute the return visit found is defused in the community, by "
                "the mediation room (回访发现并提前化解潜在矛盾; 大事不出社区).",
                second.tier is Tier.COMMUNITY and second.procedure is Procedure.MEDIATION,
            ),
            Check(
                "The grid worker stays the owner from the first report to the last visit "
                "(首接负责制).",
                first.owner == second.owner == "post:grid-wanda-a-worker",
            ),
        ),
    )


def main() -> None:
    """Tell the four stories."""
    for story in (window_request(), leak_mediation(), fire_lane(), revisit_reopens()):
        tell(story)
        print()


if __name__ == "__main__":
    main()
