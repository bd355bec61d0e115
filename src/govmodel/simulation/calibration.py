"""The default scenario beside the figures of Xinhe's article (seed 002).

``xinhe_figures(result)`` reads, from one simulated year of the Xinhe
community, each figure the article reports as a yearly count, counted the
way the article counts it; ``ARTICLE`` holds the article's own figures.
``docs/simulation.md`` shows both over 100 seeds, with 95 % intervals.

How each figure is read (the article is seed 002; the quotes are its own):

``requests``
    "通过各类平台累计收集居民诉求180余件": requests collected through the
    platforms (the window, the WeChat groups, phone, visits, the diary).
    Disputes are counted apart (below), and matters the grid's daily
    patrols find (五必查), hotline dispatches and latent problems uncovered
    by visits did not come through a platform.
``response_rate``, ``resolution_rate``
    "诉求响应率达100%,解决率达98%以上", of those requests.
``whistle_orders``
    "今年解决占用消防通道、小区储藏室电表加装、漏水纠纷等难点问题56件": cases
    that had a red whistle order (a routing of procedure ``whistle``).
``dispute_revisits``, ``latent_found``
    "累计回访矛盾纠纷230余件,通过回访发现并提前化解潜在矛盾15起": return
    visits of disputes (noise, parking, pets, neighbour and family
    disputes), and those that uncovered a latent one.
``front_desk``
    "将党员先锋岗设在物业客服台……累计化解苗头性问题20余起": matters settled
    at the property desk by its party vanguard post, which the agreement of
    April put there; so the count runs from April.
``left_community``
    "小事不出楼栋、大事不出社区": the share of resolved cases settled at the
    street office. The article gives no figure; it says few leave.

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import simulate
>>> figures = xinhe_figures(simulate(examples.load("xinhe"), seed=2))
>>> sorted(figures) == sorted(ARTICLE)
True
"""

from __future__ import annotations

from govmodel.cases import Reported, Revisited, Routed
from govmodel.model import Category, Procedure, Tier
from govmodel.simulation.engine import SimulationResult
from govmodel.simulation.scenario import DISPUTES, REPORTING

__all__ = ["ARTICLE", "DISPUTES", "xinhe_figures"]

_PLATFORMS = frozenset(REPORTING)
"""The platforms the article counts requests through: the channels residents report through."""


ARTICLE: dict[str, float | None] = {
    "requests": 180,
    "response_rate": 1.0,
    "resolution_rate": 0.98,
    "whistle_orders": 56,
    "dispute_revisits": 230,
    "latent_found": 15,
    "front_desk": 20,
    "left_community": None,
}
"""Xinhe's figures as the article gives them (180-odd, ≥ 98 %, 230-odd, 20-odd)."""


def xinhe_figures(result: SimulationResult) -> dict[str, float]:
    """Each of ``ARTICLE``'s figures, counted in one simulated year as the article counts it.

    Examples
    --------
    >>> from govmodel import examples
    >>> from govmodel.simulation import Scenario, simulate
    >>> f = xinhe_figures(simulate(examples.load("xinhe"), Scenario(days=90), seed=1))
    >>> 0 <= f["response_rate"] <= 1, f["front_desk"] >= 0
    (True, True)
    """
    category: dict[str, Category] = {}
    platform: set[str] = set()
    whistled: set[str] = set()
    accepted: set[str] = set()
    resolved: set[str] = set()
    revisits = found = 0
    for event in result.events:
        if isinstance(event, Reported):
            case = event.case
            category[case.id] = case.category
            if case.channel in _PLATFORMS and case.category not in DISPUTES:
                # A latent problem found at a visit is reported as a visit too;
                # the platforms' visits are those drawn at arrival.
                platform.add(case.id)
        elif isinstance(event, Routed):
            if event.routing.procedure is Procedure.WHISTLE:
                whistled.add(event.case_id)
        elif isinstance(event, Revisited) and category[event.case_id] in DISPUTES:
            revisits += 1
            found += bool(event.found)
    for outcome in result.outcomes:
        if outcome.case_id in platform and outcome.outcome == "resolved":
            resolved.add(outcome.case_id)
    for event in result.events:
        if getattr(event, "case_id", None) in platform and type(event).__name__ == "Accepted":
            accepted.add(event.case_id)
    settled = result.metrics.resolved or 1
    n = len(platform) or 1
    return {
        "requests": float(len(platform)),
        "response_rate": len(accepted) / n,
        "resolution_rate": len(resolved) / n,
        "whistle_orders": float(len(whistled)),
        "dispute_revisits": float(revisits),
        "latent_found": float(found),
        "front_desk": float(result.front_desk),
        "left_community": result.metrics.contained.get(Tier.STREET, 0) / settled,
    }
