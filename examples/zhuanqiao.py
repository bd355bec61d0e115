"""砖桥居民区 Zhuanqiao (Dongjing, Songjiang, Shanghai), seed 003: two stories, end to end.

From the article:

- 洞北小区, a no-title compound (无产证: no owners' committee), had outside cars
  taking the spaces because parking was cheap; the four-party deliberation
  platform (党支部+物业+自管会+楼组长 四方议事) went through research, forum and
  consultation (调研—座谈—征询), consulted 100 households (征询了100户居民) and
  cut free temporary parking from 2 hours to 30 minutes (将"免费临停2小时"调整为
  "免费半小时临停"), with 54 spaces for owners first (54个车位实现"业主优先停");
  in April a resident questioned the parking fee, the platform brought out the
  consultation papers and the misunderstanding dissolved (直接调出当初的征询材料,
  误解一下子就化解了);
- road works blocked the west gate of 嘉和景苑 (西门因修路拥堵); the micro-grid's
  service group (楼组长+党员第二楼组长+红色物业专员) collected opinions and got the
  property company to fit an ETC barrier at the south gate (在嘉和景苑南门加装etc抬杆).

Illustrative (the article gives none of it): every date and time, how many of
the 100 households answered and how (92 answers: 71 for, 15 against, 6
abstaining), the share of answers the meeting required (2/3), the matter of
art. 278 the parking change is filed under.

Run: ``.venv/bin/python examples/zhuanqiao.py``
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from _story import (
    Check,
    Plot,
    Story,
    cast_ballots,
    label,
    members_of,
    pending_note,
    rule_named,
    say,
    tell,
)

from govmodel import (
    Case,
    Category,
    Channel,
    Decision,
    Electorate,
    Matter,
    Procedure,
    Scope,
    Structure,
    Tier,
    decide,
    examples,
    presence,
)

SOURCE = "seed 003, 洞泾镇砖桥居民区党支部: 党建“巧借力”, 解好无产证社区“治理题”"

CONSULTED = 100  # 征询了100户居民
PARTICIPATION = Fraction(2, 3)  # illustrative: the article gives no threshold
CONSULTING = dt.datetime(2025, 2, 17, 9)  # when the households are consulted (illustrative)


def structure() -> Structure:
    """The bundled Zhuanqiao structure."""
    return examples.load("zhuanqiao")


def parking_consultation() -> Story:
    """洞北小区 parking: the four-party platform consults 100 households."""
    s = structure()
    t = dt.datetime(2025, 1, 8, 19, 0)
    case = Case(
        id="zhuanqiao:dongbei-parking",
        category=Category.PROPERTY_FEES,
        place="compound:dongbei",
        reported_at=t,
        channel=Channel.MEETING,
        scope=Scope.COMPOUND,
        receiver="smc:zhuanqiao",
        description="Outside cars take 洞北小区's spaces because parking is cheap; owners "
        "find nowhere to park",
    )
    plot = Plot(
        s,
        case,
        "At the self-management committee's monthly meeting (月例会) owners of 洞北小区 complain: "
        "parking is so cheap that outside cars take the spaces and owners have nowhere to park "
        "(停车费低导致外来车辆占用车位).",
    )
    r = plot.route(t + dt.timedelta(minutes=30))
    plot.accept(
        dt.datetime(2025, 1, 9, 10),
        "smc:zhuanqiao",
        "The self-management committee takes it to the four-party platform.",
    )
    plot.note(
        dt.datetime(2025, 1, 15, 9),
        "Research (调研): who parks where, and when, in 洞北小区.",
    )
    plot.note(
        dt.datetime(2025, 2, 10, 19),
        "Forum (座谈) at the four-party meeting — " + members_of(s, "meeting:four-party") + ".",
    )
    pending = plot.would_escalate(CONSULTING)
    plot.note(CONSULTING, f"Consultation (征询) of {CONSULTED} households on the proposal.")
    decision = decide(
        cast_ballots("dongbei", for_=71, against=15, abstain=6),
        matter=Matter.CHANGE_COMMON_USE,
        eligible=Electorate(owners=CONSULTED, area=0),
        rule=rule_named(r, participation=PARTICIPATION),
        motion="Free temporary parking from 2 hours to 30 minutes; 54 spaces owners first",
    )
    plot.note(dt.datetime(2025, 3, 3, 17), f"The answers are counted: {decision.reason}.")
    plot.resolve(
        dt.datetime(2025, 3, 10, 8),
        "pm:zhuanqiao",
        "The property company puts the new rule in force: 30 minutes free (免费半小时临停), "
        "54 spaces owners first (业主优先停).",
    )
    plot.revisit(
        dt.datetime(2025, 3, 24, 19),
        "smc:zhuanqiao",
        satisfied=True,
        text="At the next monthly meeting owners report they find spaces again.",
    )
    plot.close(dt.datetime(2025, 3, 24, 20), "smc:zhuanqiao")
    return plot.story(
        title="Zhuanqiao 砖桥 · the parking change at 洞北小区",
        source=SOURCE,
        decision=decision,
        checks=(
            Check(
                "A no-title compound's collective matter is deliberated (无产证, 无业委会; "
                "调研—座谈—征询).",
                r.procedure is Procedure.DELIBERATION,
            ),
            Check(
                "By consultation of households, not an owners' vote (征询了100户居民).",
                r.rule == "consultation",
            ),
            Check(
                "Through the four-party platform, convened by the party branch "
                "(党支部+物业+自管会+楼组长 四方议事).",
                r.forum == "meeting:four-party" and r.convener == "party:zhuanqiao",
            ),
            Check(
                "While the households are being consulted the platform keeps the matter "
                "(调研—座谈—征询 takes weeks): nothing pushes it up as overdue.",
                pending is None,
            ),
        ),
        notes=(
            f"The article gives only the {CONSULTED} households consulted: the 92 answers and "
            "their split (71 for, 15 against, 6 abstaining) and the 2/3 share of answers "
            "required are illustrative.",
            "Filed as item 8 of art. 278 (改变共有部分的用途), a modelling choice.",
            *pending_note(CONSULTING, pending, keeper="the four-party platform"),
        ),
    )


def retrieve_record(decision: Decision) -> Decision:
    """April: the consultation record, brought out again, recomputes to itself."""
    return decide(
        decision.ballots,
        matter=decision.matter,
        eligible=decision.eligible,
        rule=decision.rule,
        motion=decision.motion,
    )


def west_gate() -> Story:
    """嘉和景苑 west gate: the micro-grid's service group gets an ETC barrier fitted."""
    s = structure()
    t = dt.datetime(2025, 4, 14, 7, 50)
    case = Case(
        id="zhuanqiao:jiahe-west-gate",
        category=Category.ACCESS,
        place="compound:jiahe",
        reported_at=t,
        channel=Channel.VISIT,
        scope=Scope.COMPOUND,
        receiver="post:jiahe-group-leader",
        description="Road works block the west gate of 嘉和景苑; cars queue at the gates",
    )
    plot = Plot(
        s,
        case,
        "Road works block the west gate of 嘉和景苑 (西门因修路拥堵); residents stop the "
        "building-group leader on the morning rush.",
    )
    r = plot.route(t + dt.timedelta(minutes=10))
    group = presence(s, "compound:jiahe", at=t.date())[0]
    plot.accept(
        t + dt.timedelta(minutes=10),
        "post:jiahe-group-leader",
        "The micro-grid's service group takes it up: "
        + "; ".join(label(s, a) for a in group.actors)
        + ".",
    )
    plot.note(
        t + dt.timedelta(hours=4),
        "The service group collects the residents' opinions (收集群众意见) and proposes an ETC "
        "barrier at the south gate.",
    )
    plot.note(
        t + dt.timedelta(hours=7),
        "The group negotiates with the property company (主动协商物业), which agrees to fit it.",
    )
    plot.resolve(
        dt.datetime(2025, 4, 16, 7, 30),
        "post:jiahe-group-leader",
        "The ETC barrier at the south gate is in service; cars use the south gate (解决通行难题).",
    )
    plot.revisit(
        dt.datetime(2025, 4, 23, 8),
        "post:jiahe-group-leader",
        satisfied=True,
        text="A week later at rush hour: no queue at the gates.",
    )
    plot.close(dt.datetime(2025, 4, 23, 8, 30), "post:jiahe-group-leader")
    whole_group = {"post:jiahe-group-leader", "post:jiahe-second-leader", "post:jiahe-specialist"}
    return plot.story(
        title="Zhuanqiao 砖桥 · the 嘉和景苑 west gate and an ETC barrier",
        source=SOURCE,
        checks=(
            Check(
                "The micro-grid's service group handles it (服务小组, 民呼我应).",
                r.tier is Tier.MICRO_GRID and r.handler == "post:jiahe-group-leader",
            ),
            Check(
                "The whole group is there: building-group leader, party-member second leader, "
                "red property specialist (楼组长+党员第二楼组长+红色物业专员).",
                whole_group <= set(group.actors),
            ),
            Check(
                "The routing names the service group as a whole, all three of them "
                '(每个网格配备"楼组长+党员第二楼组长+红色物业专员"的服务小组).',
                whole_group <= set(r.actors),
            ),
        ),
        notes=(
            "How long the barrier took to fit is illustrative; it runs past the micro-grid's "
            "one-day limit, and the article reports no escalation.",
        ),
    )


def main() -> None:
    """Tell the two stories, and the April fee question."""
    parking = parking_consultation()
    tell(parking)
    if parking.decision is not None:
        again = retrieve_record(parking.decision)
        say(
            "2025-04: a resident questions the parking fee; the platform brings out the "
            "consultation record (调出当初的征询材料) and counts it again:"
        )
        say(again.reason, "  recomputed: ")
        say(f"the same decision as in March: {again == parking.decision}", "  ")
    print()
    tell(west_gate())
    print()


if __name__ == "__main__":
    main()
