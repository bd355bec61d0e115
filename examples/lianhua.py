"""莲花街道 Lianhua street (Futian, Shenzhen), seed 004: two stories, end to end.

From the article:

- 市政大院 (狮岭社区), an old compound of 1,100-odd households (1100多家住户):
  the Tianjian retirees' party committee had its members collect the residents'
  needs (安排党员主动收集居民需求); the party committee, the owners' committee and
  the property management office held a joint meeting (联合召开联席会议), settled
  the elevator plan and publicised it to the households (向小区1100多家住户进行公示);
  the owners' committee set up a 3–5 person elevator working group (加装电梯工作
  小组), the property office cooperating, owner representatives invited; 22
  elevators applied for, 22 installed, not one complaint (无一例投诉);
- 深业花园 (福中社区): the north gate served both the kindergarten inside the
  compound and the residents; at school rush hours people and cars jammed
  (人流拥堵、人车混行); the compound's party branch led the owners' committee, the
  property company and resident representatives (深业花园党支部牵头, 带领业委会和物业、
  居民代表) through site visits and talks, and the rebuilt south-east gate and
  roadside greening separated the kindergarten route from the residents' entrance.

Illustrative (the article gives none of it): every date and time (the article
is dated 2021; the model's appointments start in 2025), the owners' areas, the
turnout and the split of the elevator vote (1,030 of 1,100 taking part: 900
for, 60 against, 70 abstaining), and that the elevators are put to one vote of
the compound as item 7 of art. 278 (改建).

Run: ``.venv/bin/python examples/lianhua.py``
"""

from __future__ import annotations

import datetime as dt

from _story import Check, Plot, Story, cast_ballots, members_of, pending_note, rule_named, tell

from govmodel import (
    Case,
    Category,
    Channel,
    Electorate,
    Matter,
    Procedure,
    Scope,
    Structure,
    Tier,
    decide,
    examples,
)

SOURCE = "seed 004, 深圳特区报 2021-07-01: 莲花街道打造“三位一体”物业小区治理模式"

HOUSEHOLDS = 1100  # 1100多家住户


def structure() -> Structure:
    """The bundled Lianhua structure."""
    return examples.load("lianhua")


def _area(i: int) -> int:
    return 55 + 10 * (i % 5)  # 55–95 m² flats, illustrative


def elevators() -> Story:
    """市政大院 elevators: a three-in-one deliberation under Civil Code art. 278."""
    s = structure()
    t = dt.datetime(2025, 1, 6, 9, 0)
    case = Case(
        id="lianhua:shizheng-dayuan-elevators",
        category=Category.COMMON_FACILITY,
        place="compound:shizheng-dayuan",
        reported_at=t,
        channel=Channel.VISIT,
        scope=Scope.COMPOUND,
        receiver="party:tianjian-retirees",
        description="Residents of the old 市政大院 compound ask for elevators",
    )
    plot = Plot(
        s,
        case,
        "Members of the Tianjian retirees' party committee, going round the compound, collect "
        "the residents' wish for elevators (安排党员主动收集居民需求).",
    )
    r = plot.route(t + dt.timedelta(hours=1))
    plot.accept(
        dt.datetime(2025, 1, 7, 9),
        "oc:shizheng-dayuan",
        "The owners' committee takes it up.",
    )
    plot.note(
        dt.datetime(2025, 1, 20, 15),
        "Joint meeting (联席会议) — "
        + members_of(s, "meeting:three-in-one-shizheng-dayuan")
        + ": the plan is settled (确定加装方案).",
    )
    plot.note(
        dt.datetime(2025, 2, 3, 9),
        f"The plan is publicised to the compound's {HOUSEHOLDS:,}-odd households (公示).",
    )
    voting = dt.datetime(2025, 3, 1, 9)
    pending = plot.would_escalate(voting)
    plot.note(voting, "The owners vote.")
    decision = decide(
        cast_ballots("shizheng-dayuan", for_=900, against=60, abstain=70, area=_area),
        matter=Matter.REBUILD,
        eligible=Electorate(owners=HOUSEHOLDS, area=sum(_area(i) for i in range(HOUSEHOLDS))),
        rule=rule_named(r),
        motion="Install elevators in the units that apply, to one standard",
    )
    plot.note(dt.datetime(2025, 3, 17, 17), f"The votes are counted: {decision.reason}.")
    plot.note(
        dt.datetime(2025, 3, 24, 10),
        "The owners' committee sets up the elevator working group, "
        + s.body("team:shizheng-elevator").name_zh
        + " (team:shizheng-elevator), the property office cooperating and owner "
        "representatives invited: it sets the standards from application to digging, "
        "installation and one common facade (统一电梯外立面).",
    )
    plot.resolve(
        dt.datetime(2025, 12, 19, 17),
        "oc:shizheng-dayuan",
        "22 elevators applied for, 22 installed (安装率100%).",
    )
    plot.revisit(
        dt.datetime(2026, 1, 9, 10),
        "party:tianjian-retirees",
        satisfied=True,
        text="Party members go round again: not one complaint (无一例投诉).",
    )
    plot.close(dt.datetime(2026, 1, 9, 16), "party:tianjian-retirees")
    return plot.story(
        title="Lianhua 莲花 · elevators for 市政大院",
        source=SOURCE,
        decision=decision,
        checks=(
            Check(
                "Decided in the compound by its three-in-one: retirees' party committee, owners' "
                "committee, property office (三位一体, 联合召开联席会议).",
                r.tier is Tier.COMPOUND
                and r.forum == "meeting:three-in-one-shizheng-dayuan"
                and r.convener == "party:tianjian-retirees",
            ),
            Check(
                "The owners' committee carries it (业委会还牵头成立加装电梯工作小组).",
                r.procedure is Procedure.DELIBERATION and r.handler == "oc:shizheng-dayuan",
            ),
            Check(
                "The owners decide under Civil Code art. 278 (业主共同决定).",
                r.rule == "civil_code_278",
            ),
            Check(
                "While the plan is publicised and voted on the compound keeps the matter: "
                "nothing pushes it up as overdue.",
                pending is None,
            ),
        ),
        notes=(
            "The areas (55–95 m²), the turnout and the split (900 for, 60 against, 70 "
            "abstaining of 1,030 taking part) are illustrative: the article gives only the "
            "1,100-odd households and 22 of 22 elevators installed without a complaint.",
            *pending_note(voting, pending, keeper="the compound's three-in-one"),
        ),
    )


def kindergarten_gate() -> Story:
    """深业花园 kindergarten gate: the compound's party branch leads the three-in-one (难事联办)."""
    s = structure()
    t = dt.datetime(2025, 3, 10, 8, 30)
    case = Case(
        id="lianhua:shenye-garden-gate",
        category=Category.ACCESS,
        place="compound:shenye-garden",
        reported_at=t,
        channel=Channel.VISIT,
        scope=Scope.COMPOUND,
        receiver="party:shenye-garden",
        description="The north gate of 深业花园 jams at kindergarten rush hours; people and "
        "cars mixed",
    )
    plot = Plot(
        s,
        case,
        "At the morning school run the north gate of 深业花园 — the kindergarten's entrance and "
        "the residents' — jams, people and cars mixed (人流拥堵、人车混行); residents raise the "
        "safety hazard with the compound's party branch.",
    )
    r = plot.route(t + dt.timedelta(minutes=30))
    plot.accept(
        t + dt.timedelta(hours=2),
        "party:shenye-garden",
        "The compound's party branch takes the lead (深业花园党支部牵头).",
    )
    plot.note(
        dt.datetime(2025, 3, 17, 8),
        "The branch leads the owners' committee, the property company and resident "
        "representatives through site visits at rush hour and talks (多次实地调研, 协调沟通) — the "
        "compound's three-in-one: " + members_of(s, "meeting:three-in-one-shenye-garden") + ".",
    )
    plot.note(
        dt.datetime(2025, 4, 2, 15),
        "Agreed: rebuild the south-east gate and the roadside greening so that the "
        "kindergarten route and the residents' entrance are apart.",
    )
    plot.resolve(
        dt.datetime(2025, 6, 27, 17),
        "pm:shenye-garden",
        "The south-east gate is rebuilt; the kindergarten route and the residents' entrance are "
        "fully separated (完全分离).",
    )
    plot.revisit(
        dt.datetime(2025, 9, 3, 8, 30),
        "party:shenye-garden",
        satisfied=True,
        text="First week of the school year: no jam at either gate.",
    )
    plot.close(dt.datetime(2025, 9, 3, 10), "party:shenye-garden")
    actors = {*r.actors, r.convener}
    forum = s.meeting(r.forum) if r.forum is not None else None
    seated = {forum.convener, *forum.members} if forum is not None else set()
    return plot.story(
        title="Lianhua 莲花 · the kindergarten gate of 深业花园",
        source=SOURCE,
        checks=(
            Check(
                "Settled in the compound (支部建在小区里, 治理就在家门口).",
                r.tier is Tier.COMPOUND,
            ),
            Check(
                "The compound's party branch leads (深业花园党支部牵头).",
                r.convener == "party:shenye-garden" or r.handler == "party:shenye-garden",
            ),
            Check(
                "Jointly, through the compound's three-in-one meeting, which the branch convenes "
                "(党支部、业委会、物业公司“三位一体”, 联席会议机制).",
                r.forum == "meeting:three-in-one-shenye-garden"
                and r.forum in r.co_handlers
                and r.convener == "party:shenye-garden",
            ),
            Check(
                "With the owners' committee and the property company (带领业委会和物业): both sit "
                "in the routing's forum.",
                {"oc:shenye-garden", "pm:shenye-garden"} <= seated,
            ),
            Check("The property company takes part (物业).", "pm:shenye-garden" in actors),
        ),
        notes=(
            "The routing hands the work to the property company, which rebuilds the gate, with "
            "the three-in-one meeting as co-handler and forum (难事联办); the owners' committee "
            "takes part as a member of that meeting, not as a handler of its own.",
            "The resident representatives (居民代表) are not modelled: no record sits for them.",
            "Who heard of it first and every date are illustrative: the article gives neither.",
        ),
    )


def main() -> None:
    """Tell the two stories."""
    for story in (elevators(), kindergarten_gate()):
        tell(story)
        print()


if __name__ == "__main__":
    main()
