"""Property tests for spec loading: round trips, corrupted specs, arbitrary junk."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import govmodel
from govmodel import GovModelError, SpecError, Structure
from govmodel.strategies import CorruptedSpec, corrupted_specs, structures


@given(structures())
def test_generated_structures_validate_clean(s: Structure) -> None:
    """Every generated structure validates with no violation."""
    assert govmodel.validate(s) == ()


@given(structures())
def test_to_dict_round_trip(s: Structure) -> None:
    """load(to_dict(s)) == s."""
    assert govmodel.load(govmodel.to_dict(s)) == s


@pytest.mark.parametrize("fmt", ["toml", "json", "yaml"])
@given(s=structures())
def test_text_round_trip(fmt: Any, s: Structure) -> None:
    """The same round trip holds through TOML, JSON and YAML text."""
    assert govmodel.loads(govmodel.dumps(s, format=fmt), format=fmt) == s


@given(corrupted_specs(max_defects=4))
def test_every_defect_reported(case: CorruptedSpec) -> None:
    """Every corrupted spec raises SpecError naming each injected defect."""
    with pytest.raises(SpecError) as info:
        govmodel.load(case.spec)
    found = {(p.location, p.code) for p in info.value.problems}
    for defect in case.defects:
        assert (defect.location, defect.code) in found


_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates()
)
_JUNK = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = st.sampled_from(
    [
        "schema",
        "name",
        "places",
        "grids",
        "bodies",
        "people",
        "posts",
        "appointments",
        "ties",
        "meetings",
        "id",
        "kind",
        "parent",
        "covers",
        "in",
        "start",
        "level",
        "role",
    ]
)
_SPEC_LIKE = st.dictionaries(
    _KEYS,
    _JUNK | st.lists(st.dictionaries(_KEYS, _JUNK, max_size=6), max_size=4),
    max_size=8,
)


@given(_JUNK | _SPEC_LIKE)
def test_only_spec_errors_escape(data: Any) -> None:
    """Whatever a mapping holds, load either succeeds or raises SpecError: nothing else."""
    spec = data if isinstance(data, dict) else {"schema": "govmodel/1", "places": data}
    problems: tuple[Exception, ...] = ()
    try:
        govmodel.load(spec)
    except SpecError as err:
        problems = err.problems
        if not problems:
            raise AssertionError("a SpecError without problems") from err
    assert all(isinstance(p, GovModelError) for p in problems)


@given(corrupted_specs(), st.sampled_from(["toml", "json", "yaml"]))
def test_corrupted_text_reports_same_defects(case: CorruptedSpec, fmt: str) -> None:
    """Defects survive being written as text: the same problems come back from the text."""
    import json

    import tomli_w
    import yaml

    if fmt == "json":
        text = json.dumps(case.spec)
    elif fmt == "yaml":
        text = yaml.safe_dump(case.spec)
    else:
        text = tomli_w.dumps(case.spec)
    with pytest.raises(SpecError) as info:
        govmodel.loads(text, format=fmt)  # type: ignore[arg-type]
    found = {(p.location, p.code) for p in info.value.problems}
    assert all((d.location, d.code) in found for d in case.defects)
