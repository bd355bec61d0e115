"""Hypothesis entry point: registers govmodel's strategies for its types.

Hypothesis calls ``_hypothesis_setup_hook`` while it is being imported, so this
module imports nothing of Hypothesis or of ``govmodel.strategies`` at import
time, and the strategies are resolved only when a test asks for them.
"""

from __future__ import annotations

from typing import Any


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from govmodel.cases import Case
    from govmodel.structure import Structure

    def structures_for(_: type[Any]) -> Any:
        from govmodel.strategies import structures

        return structures()

    def cases_for(_: type[Any]) -> Any:
        from govmodel.strategies import cases, structures

        return structures().flatmap(cases)

    st.register_type_strategy(Structure, structures_for)
    st.register_type_strategy(Case, cases_for)
