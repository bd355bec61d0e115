"""城西街道 Chengxi street (Pingyao, Shanxi), seed 001: two stories, end to end.

From the article:

- micro-service (微服务): grid staff visit homes regularly (定期入户), collect the
  "key small matters" residents care about (征集居民关注期盼的"关键小事"), settle
  the frictions behind them (调处相关矛盾问题) and solve their worries; 38
  micro-grid workers (微网格员) chosen in the buildings and units take part;
- the "红色物业议事厅" chamber meets on the 10th of every month (每月10日定为固定议事日),
  the community party committee at its head with the residents' committee,
  property companies and co-building units, the police station, housing bureau
  and fire brigade invited; so far 8 key small matters solved and 11 disputes
  mediated (已有效解决各类"关键小事"问题8件, 调解矛盾纠纷11起);
- two-committee members lead the grids and supervise the property service
  (两委成员兼任网格长, 网格长兼任物业服务监督员).

Illustrative (the article names no community, compound, building or case):
the placeholder compound A and building A-3 of chengxi.toml, what the key small
matter and the dispute were about, every date and time, and the dispute's first
stop at the compound grid before it reached the chamber.

Run: ``.venv/bin/python examples/chengxi.py``
"""

from __future__ import annotations

import datetime as dt

from _story import Check, Plot, Story, members_of, tell

from govmodel import Case, Category, Channel, Procedure, Scope, Structure, Tier, examples

SOURCE = "seed 001, 中新网山西: 平遥县城西街道“红色物业”创建"


def structure() -> Structure:
    """The bundled Chengxi structure."""
    return examples.load("chengxi")


def key_small_matter() -> Story:
    """A key small matter (关键小事) found on a home visit and settled in the micro-grid."""
    s = structure()
    t = dt.datetime(2025, 6, 10, 10, 0)
    case = Case(
        id="chengxi:a-3-stairwell",
        category=Category.NEIGHBOUR_DISPUTE,
        place="building:a-3",
        reported_at=t,
        channel=Channel.VISIT,
        scope=Scope.BUILDING,
        receiver="post:grid-a-3-worker",
        description="Bicycles and sundries piled in the stairwell of building A-3; two "
        "neighbours at odds over it",
    )
    plot = Plot(
        s,
        case,
        "On a regular home visit (定期入户) the micro-grid worker of building A-3 hears a key "
        "small matter (关键小事): a neighbour's bicycles and sundries block the stairwell, and "
        "the two households have fallen out over it.",
    )
    r = plot.route(t + dt.timedelta(minutes=5))
    plot.accept(t + dt.timedelta(minutes=5), "post:grid-a-3-worker")
    plot.note(
        t + dt.timedelta(hours=2),
        "The micro-grid worker talks with both households (调处相关矛盾问题); they agree where "
        "the bicycles will go.",
    )
    plot.resolve(
        t + dt.timedelta(hours=6, minutes=30),
        "post:grid-a-3-worker",
        "The stairwell is clear the same afternoon.",
    )
    plot.revisit(
        dt.datetime(2025, 6, 13, 18),
        "post:grid-a-3-worker",
        satisfied=True,
        text="Back three days later: the stairwell is still clear, the neighbours on good terms.",
    )
    plot.close(dt.datetime(2025, 6, 13, 18, 30), "post:grid-a-3-worker")
    return plot.story(
        title="Chengxi 城西 · a key small matter settled in the micro-grid of building A-3",
        source=SOURCE,
        checks=(
            Check(
                "The micro-grid worker settles it where it arose (微网格员参与网格管理, "
                "定期入户, 调处相关矛盾问题).",
                r.tier is Tier.MICRO_GRID and r.handler == "post:grid-a-3-worker",
            ),
            Check(
                "Settled on the spot, without a transfer (解决居民烦心事).",
                r.procedure is Procedure.ON_THE_SPOT,
            ),
        ),
        notes=(
            "What the key small matter was is illustrative: the article counts 8 solved "
            "without describing them.",
        ),
    )


def chamber_dispute() -> Story:
    """A parking dispute that the compound grid leader cannot settle goes to the chamber."""
    s = structure()
    t = dt.datetime(2025, 6, 2, 9, 0)
    case = Case(
        id="chengxi:a-parking-dispute",
        category=Category.PARKING,
        place="compound:a",
        reported_at=t,
        channel=Channel.PATROL,
        scope=Scope.COMPOUND,
        receiver="post:grid-a-worker",
        description="Two households of compound A quarrel over a parking space by building A-7",
    )
    plot = Plot(
        s,
        case,
        "On patrol the grid worker of compound A is told of a quarrel between two households "
        "over a parking space.",
    )
    first = plot.route(t + dt.timedelta(minutes=20))
    plot.accept(
        t + dt.timedelta(hours=1),
        first.handler or "post:grid-a-leader",
        "The compound's grid leader — a two-committee member who is also its property service "
        "supervisor (两委成员兼任网格长, 网格长兼任物业服务监督员) — hears both sides with the "
        "property company; neither gives way.",
    )
    second = plot.escalate(
        dt.datetime(2025, 6, 6, 9, 0),
        "At the morning review the case is past the compound's three working days "
        "(2 June was the Dragon Boat holiday): it goes up to the community.",
    )
    if second is None:
        raise RuntimeError("the overdue dispute should have escalated")
    plot.note(
        dt.datetime(2025, 6, 10, 9),
        "Fixed deliberation day (每月10日固定议事日): the dispute is put to the red property "
        "chamber — " + members_of(s, "meeting:red-property-chamber") + ".",
    )
    plot.resolve(
        dt.datetime(2025, 6, 10, 11, 30),
        second.handler or "post:grid-chengxi-leader",
        "Mediated at the chamber (调解矛盾纠纷): the space is marked for one household, the "
        "other gets the next free space the property company assigns.",
    )
    plot.revisit(
        dt.datetime(2025, 6, 17, 10),
        "post:grid-a-worker",
        satisfied=True,
        text="The grid worker, who took the first report, goes back to both households.",
    )
    plot.close(dt.datetime(2025, 6, 17, 10, 30), "post:grid-a-worker")
    return plot.story(
        title="Chengxi 城西 · a parking dispute mediated at the red property chamber",
        source=SOURCE,
        checks=(
            Check(
                "The dispute is settled inside the community, with the community party "
                "committee's people at the head (社区党委为龙头).",
                second.tier is Tier.COMMUNITY,
            ),
            Check(
                "The property company takes part (社区居委会、物业服务企业、共驻共建单位联席议事).",
                "pm:a" in second.actors,
            ),
            Check(
                "The model calls it a mediation (调解矛盾纠纷11起).",
                second.procedure is Procedure.MEDIATION,
            ),
            Check(
                "The routing names the chamber as the forum (红色物业议事厅).",
                second.forum == "meeting:red-property-chamber",
            ),
        ),
        notes=(
            "The model reserves the procedure 'mediation' for a community with a mediation "
            "room; Chengxi has none (the article names none), so the routing says 'transfer' "
            "to the community grid leader — the party secretary, who is also director of the "
            "residents' committee in chengxi.toml and heads the chamber.",
            "The dispute's first stop at the compound grid leader is illustrative: the article "
            "says only that the chamber's work mediated 11 disputes.",
        ),
    )


def main() -> None:
    """Tell the two stories."""
    for story in (key_small_matter(), chamber_dispute()):
        tell(story)
        print()


if __name__ == "__main__":
    main()
