"""沙港湾居民区 Shagangwan (Fengxian, Shanghai), seed 000: three stories, end to end.

From the article:

- 佳兆业二期 asked for electric-bicycle chargers (加装电动自行车充电桩); the
  residents' committee with the property company (居委联合物业) surveyed the site,
  drew up a plan, held several resident-representative meetings (居民代表专题会议)
  and consulted the compound (在小区进行意见征询);
- 东原小区's pet problem (宠物管理难题) was split three ways: the culture team
  (舞彩邻治队) collected opinions, the neighbourhood guard (邻里守护队) helped set up
  a residents' committee / property / owners platform (三方沟通平台), the
  vanguard (社区先锋队) publicised civil pet-keeping; a pet toilet (宠物厕所) came
  into use;
- helicopter noise over 佳兆业二期 (直升机扰民): through the grid linkage the
  residents' committee went to the police station and 长浜村 (跨前对接派出所、长浜村等单位)
  and the flight times were adjusted.

Illustrative (the article gives none of it): every date and time, who reported
first, how many households of 佳兆业二期 were consulted and how they answered
(480 households; 400 answers: 330 for, 40 against, 30 abstaining), the share of
households that had to answer (2/3), the matter of art. 278 the chargers are
filed under.

Run: ``.venv/bin/python examples/shagangwan.py``
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from _story import (
    Check,
    Plot,
    Story,
    cast_ballots,
    members_of,
    pending_note,
    rule_named,
    tell,
)

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

SOURCE = "seed 000, 党建引领物业治理:凝聚合力暖民心 (沙港湾居民区)"

HOUSEHOLDS = 480  # 佳兆业二期 households consulted: illustrative, the article gives none
PARTICIPATION = Fraction(2, 3)  # illustrative: the article gives no threshold
CONSULTING = dt.datetime(2025, 4, 14, 9)  # when the compound is consulted (illustrative)


def structure() -> Structure:
    """The bundled Shagangwan structure."""
    return examples.load("shagangwan")


def ev_chargers() -> Story:
    """佳兆业二期 electric-bicycle chargers: the residents' committee consults the compound."""
    s = structure()
    t = dt.datetime(2025, 3, 3, 9, 30)
    case = Case(
        id="shagangwan:kaisa-2-ev-chargers",
        category=Category.COMMON_FACILITY,
        place="compound:kaisa-2",
        reported_at=t,
        channel=Channel.DIARY,
        scope=Scope.COMPOUND,
        receiver="post:rc-cadre",
        description="Residents of 佳兆业二期 ask for electric-bicycle chargers",
    )
    plot = Plot(
        s,
        case,
        "On a door-to-door round a residents' committee cadre writes the residents' wish for "
        "electric-bicycle chargers into the people's diary (民情日记).",
    )
    r = plot.route(t + dt.timedelta(minutes=15))
    plot.accept(
        dt.datetime(2025, 3, 4, 10),
        "rc:shagangwan",
        "The residents' committee takes it up with 佳兆业物业, going through the diary "
        "(居委联合物业对照民情日记).",
    )
    plot.note(dt.datetime(2025, 3, 6, 14), "Site survey with the property company (实地勘察).")
    plot.note(dt.datetime(2025, 3, 14, 10), "An implementation plan is drawn up (制定实施方案).")
    plot.note(
        dt.datetime(2025, 3, 21, 19),
        "First resident-representative meeting (居民代表专题会议); the residents who raised "
        "the request take part throughout (全程参与).",
    )
    plot.note(dt.datetime(2025, 4, 11, 19), "Second resident-representative meeting.")
    pending = plot.would_escalate(CONSULTING)
    plot.note(
        CONSULTING,
        f"Consultation in the compound opens (在小区进行意见征询): the {HOUSEHOLDS} households "
        "of 佳兆业二期 are asked.",
    )

    decision = decide(
        cast_ballots("kaisa-2", for_=330, against=40, abstain=30),
        matter=Matter.CHANGE_COMMON_USE,
        eligible=Electorate(owners=HOUSEHOLDS, area=0),  # a consultation counts households
        rule=rule_named(r, participation=PARTICIPATION),
        motion="Install electric-bicycle chargers on common ground of 佳兆业二期",
    )
    plot.note(dt.datetime(2025, 4, 28, 17), f"The answers are counted: {decision.reason}.")
    plot.resolve(
        dt.datetime(2025, 6, 16, 18),
        "pm:kaisa",
        "The chargers are installed and in service.",
    )
    plot.revisit(
        dt.datetime(2025, 6, 30, 10),
        "post:rc-cadre",
        satisfied=True,
        text="The cadre goes back to the residents who asked: the chargers work.",
    )
    plot.close(dt.datetime(2025, 6, 30, 10, 30), "post:rc-cadre")
    return plot.story(
        title="Shagangwan 沙港湾 · electric-bicycle chargers at 佳兆业二期",
        source=SOURCE,
        decision=decision,
        checks=(
            Check(
                "The compound's households are consulted (在小区进行意见征询): a consultation, "
                "not an owners' vote (the article names no owners' committee).",
                r.procedure is Procedure.DELIBERATION and r.rule == "consultation",
            ),
            Check(
                "It is decided with the residents, not for them (居民代表专题会议, 意见征询).",
                r.procedure is Procedure.DELIBERATION,
            ),
            Check(
                "The residents' committee leads it (居委联合物业): the residents' area, not the "
                "compound alone, handles it.",
                r.tier is Tier.COMMUNITY and r.handler == "rc:shagangwan",
            ),
            Check(
                "佳兆业物业 works on it with the residents' committee (居委联合物业).",
                "pm:kaisa" in r.co_handlers,
            ),
            Check(
                "While the residents are being consulted the residents' committee keeps the "
                "matter (several meetings, then 意见征询): nothing pushes it up as overdue.",
                pending is None,
            ),
        ),
        notes=(
            f"The {HOUSEHOLDS} households, the answers (330 for, 40 against, 30 abstaining) and "
            f"the {PARTICIPATION} share of households that must answer are illustrative: the "
            "article gives no figure.",
            "The article names no owners' committee for 佳兆业二期 and none is modelled, so no "
            "owners' assembly votes under art. 278: the routing's rule is 'consultation' (征询), "
            "which counts households, not areas. Chargers on common ground are filed as item 8 "
            "(改变共有部分的用途), a modelling choice.",
            "The routing's forum is the 15th-of-month meeting, the standing meeting where the "
            "residents' committee and 佳兆业物业 sit together — "
            + members_of(s, "meeting:red-property")
            + ": the model consults a compound without an owners' committee through such a "
            "meeting. The article speaks of several resident-representative meetings "
            "(多次组织居民代表专题会议) and does not say the monthly meeting took the chargers up.",
            *pending_note(CONSULTING, pending, keeper="the residents' committee"),
        ),
    )


def pet_toilet() -> Story:
    """东原小区 pet problem: three volunteer teams, a three-party platform, a pet toilet."""
    s = structure()
    t = dt.datetime(2025, 4, 7, 9, 30)
    case = Case(
        id="shagangwan:dongyuan-pets",
        category=Category.PETS,
        place="compound:dongyuan",
        reported_at=t,
        channel=Channel.PHONE,
        scope=Scope.COMPOUND,
        receiver="rc:shagangwan",
        description="Pet keeping in 东原小区: dog waste on the paths, friction between neighbours",
    )
    plot = Plot(
        s,
        case,
        "Residents phone the residents' committee about pet keeping in 东原小区 "
        "(宠物管理难题): dog waste on the paths and friction between neighbours.",
    )
    r = plot.route(t + dt.timedelta(minutes=10))
    plot.accept(
        t + dt.timedelta(hours=1),
        r.handler or "rc:shagangwan",
        "The compound grid worker — 东原物业's steward, cross-appointed — takes it up.",
    )
    plot.note(
        dt.datetime(2025, 4, 8, 9),
        f"{_team(s, 'team:culture')} collects the residents' opinions and core demands "
        "(收集居民意见及核心诉求).",
    )
    plot.note(
        dt.datetime(2025, 4, 22, 19),
        f"{_team(s, 'team:neighbour-guard')}, who know the people and the place (人熟、地熟、"
        "事熟), help set up the residents' committee / property / owners platform "
        "(居委、物业、业主三方沟通平台). In the model: "
        + members_of(s, "meeting:dongyuan-three-party")
        + ". The owners (业主) are not a body, so no record sits for them; the guard team that "
        "helped set the platform up does.",
    )
    plot.note(
        dt.datetime(2025, 4, 25, 9),
        f"{_team(s, 'team:vanguard')} publicise civil pet-keeping and post the proposal "
        "(宣传文明养宠知识, 张贴规范饲养倡议书).",
    )
    plot.note(
        dt.datetime(2025, 4, 30, 10),
        "The three teams' division of labour (三方分工协作) brings about a pet toilet "
        "(推动宠物厕所落地).",
    )
    plot.resolve(
        dt.datetime(2025, 5, 20, 16),
        "pm:dongyuan",
        "The pet toilet (宠物厕所) is built and in use.",
    )
    plot.revisit(
        dt.datetime(2025, 6, 5, 10),
        "rc:shagangwan",
        satisfied=True,
        text="The residents' committee goes back: pets are kept to the rules, less friction.",
    )
    plot.close(dt.datetime(2025, 6, 5, 11), "rc:shagangwan")
    actors = {*r.actors, r.convener}
    teams = {"team:culture", "team:neighbour-guard", "team:vanguard"}
    return plot.story(
        title="Shagangwan 沙港湾 · the pet problem at 东原小区",
        source=SOURCE,
        checks=(
            Check("It is settled in 东原小区 (小事不出网格).", r.tier is Tier.COMPOUND),
            Check("东原物业 takes part (居委、物业、业主三方).", "pm:dongyuan" in actors),
            Check(
                "The residents' committee, which convenes the three-party platform, is among "
                "the handlers (居委、物业、业主三方沟通平台).",
                "rc:shagangwan" in actors,
            ),
            Check(
                "The three volunteer teams work on it (三方分工协作).",
                bool(teams & actors),
            ),
        ),
        notes=(
            "The routing names the compound grid worker — a post held by 东原物业's steward "
            "(cross-appointed) — for resident_affairs, and 东原物业 for property_service: "
            "between them they hold what a pet problem needs. Of that, the three-party platform "
            "holds resident_affairs only, as the grid worker does, who comes first, so it is not "
            "taken into the team: the routing names no forum and no convener, and the residents' "
            "committee, which convenes the platform, is only the first contact.",
            "The volunteer teams hold no domain in the default policy, so a routing never "
            "names them: the story shows their part as narrated steps.",
            "Every date is illustrative: the article gives none.",
        ),
    )


def _team(s: Structure, team_id: str) -> str:
    body = s.body(team_id)
    return f"The {body.name} {body.name_zh} ({team_id})"


def helicopter_noise() -> Story:
    """佳兆业二期 helicopter noise: the whistle summons the police station and 长浜村."""
    s = structure()
    t = dt.datetime(2025, 5, 12, 19, 40)
    case = Case(
        id="shagangwan:kaisa-2-helicopters",
        category=Category.EXTERNAL_NUISANCE,
        place="compound:kaisa-2",
        reported_at=t,
        channel=Channel.PHONE,
        scope=Scope.COMPOUND,
        receiver="rc:shagangwan",
        description="Helicopters fly low over 佳兆业二期 in the evenings",
    )
    plot = Plot(
        s,
        case,
        "Residents of 佳兆业二期 complain to the residents' committee of helicopter noise "
        "(直升机扰民); the source is outside the residents' area.",
    )
    r = plot.route(t + dt.timedelta(minutes=10))
    plot.accept(
        dt.datetime(2025, 5, 13, 9),
        "rc:shagangwan",
        "The residents' committee acts at once (第一时间) through the grid linkage (网格联动机制).",
    )
    plot.note(
        dt.datetime(2025, 5, 13, 10),
        "It goes across to the police station and to 长浜村, the village next door, with the "
        "residents' complaint (跨前对接派出所、长浜村等单位, 传递居民诉求).",
    )
    plot.note(
        dt.datetime(2025, 5, 16, 15),
        "Better flight times are worked out (协调优化飞行时段).",
    )
    plot.resolve(
        dt.datetime(2025, 5, 21, 17),
        r.handler or "dept:police",
        "The flights keep to the new times; the noise eases (缓解了噪音困扰).",
    )
    plot.revisit(
        dt.datetime(2025, 6, 4, 19),
        "rc:shagangwan",
        satisfied=True,
        text="Evening check with the residents who complained: quiet evenings.",
    )
    plot.close(dt.datetime(2025, 6, 5, 9), "rc:shagangwan")
    return plot.story(
        title="Shagangwan 沙港湾 · helicopter noise over 佳兆业二期",
        source=SOURCE,
        checks=(
            Check(
                "The grid linkage brings in the police station (对接派出所).",
                "dept:police" in r.summoned,
            ),
            Check(
                "长浜村 is brought in as well (对接派出所、长浜村等单位).",
                "partner:changbang" in r.summoned,
            ),
            Check(
                "The community settles it with the units it links up, without the town "
                "(部门联动、多方参与).",
                r.tier is Tier.WHISTLE,
            ),
        ),
        notes=(
            "A nuisance from outside the residents' area needs public_security and "
            "urban_management; the whistle summons the fewest units that hold them: the police "
            "station, and 长浜村, a partner of the residents' committee that shagangwan.toml "
            "gives urban_management (the nearest competence for the land the flights come from).",
            "In the model the residents' area party organisation blows the whistle (convener); "
            "in the article it is the residents' committee that goes across to the units "
            "(居委…跨前对接). The committee is the case's owner, the first contact, and the story "
            "narrates its part.",
            "Every date is illustrative: the article gives none.",
        ),
    )


def main() -> None:
    """Tell the three stories."""
    for story in (ev_chargers(), pet_toilet(), helicopter_noise()):
        tell(story)
        print()


if __name__ == "__main__":
    main()
