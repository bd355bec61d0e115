"""Tests that the documentation keeps step with the code."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
SECTIONS = re.findall(r"^::: (\S+)\n    options:\n      members: \[(.*?)\]", API, re.M)


def test_api_page_lists_modules() -> None:
    """The API page documents every public module of the package."""
    documented = {module for module, _ in SECTIONS}
    package = ROOT / "src" / "govmodel"
    modules = {
        "govmodel." + ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if not p.name.startswith("_")
    }
    assert modules <= documented


@pytest.mark.parametrize(("module", "members"), SECTIONS)
def test_api_members_are_all(module: str, members: str) -> None:
    """Each module's member list on the API page is exactly its __all__."""
    listed = [m.strip() for m in members.split(",") if m.strip()]
    assert listed == list(importlib.import_module(module).__all__)
