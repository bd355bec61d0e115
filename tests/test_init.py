"""Tests for the public surface of `govmodel`."""

import doctest
import inspect

import pytest

import govmodel


def _public_objects() -> list[tuple[str, object]]:
    return [
        (name, getattr(govmodel, name))
        for name in govmodel.__all__
        # Type aliases (CaseEvent) and constants are documented where defined.
        if inspect.isclass(getattr(govmodel, name)) or inspect.isroutine(getattr(govmodel, name))
    ]


class TestAll:
    def test_sorted(self) -> None:
        """`__all__` is sorted: constants, classes, then the rest, each A-Z."""

        def key(name: str) -> tuple[int, str]:
            group = 0 if name.isupper() else 1 if name[0].isupper() else 2
            return (group, name)

        assert list(govmodel.__all__) == sorted(govmodel.__all__, key=key)

    def test_every_name_exists(self) -> None:
        """Every name in `__all__` is importable from `govmodel`."""
        for name in govmodel.__all__:
            assert hasattr(govmodel, name), name

    def test_every_error_exported(self) -> None:
        """The one error tree is public: every error of `govmodel.errors` is in `__all__`."""
        import govmodel.errors

        missing = set(govmodel.errors.__all__) - set(govmodel.__all__)
        assert not missing
        for name in govmodel.errors.__all__:
            assert getattr(govmodel, name) is getattr(govmodel.errors, name)

    def test_design_names_present(self) -> None:
        """The names the design contract fixes for the foundation are public."""
        for name in (
            "load",
            "dump",
            "to_dict",
            "validate",
            "Structure",
            "examples",
            "GovModelError",
            "SpecError",
            "UnknownNodeError",
            "PlaceKind",
            "GridLevel",
            "BodyKind",
            "Role",
            "TieKind",
            "Domain",
            "Relation",
        ):
            assert name in govmodel.__all__, name


@pytest.mark.parametrize(("name", "obj"), _public_objects())
def test_public_name_has_runnable_example(name: str, obj: object) -> None:
    """Every public class and function documents itself with a doctest example."""
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    examples = doctest.DocTestParser().get_examples(doc)
    assert examples, f"{name} has no >>> example in its docstring"


def test_version_matches_metadata() -> None:
    """The package version is the one the installed metadata declares."""
    from importlib.metadata import version

    assert govmodel.__version__ == version("govmodel")
