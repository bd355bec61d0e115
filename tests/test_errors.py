"""Tests for `govmodel.errors`: the one error tree and its located errors."""

import pickle

import pytest

import govmodel
from govmodel.errors import (
    DecisionError,
    EventLogError,
    GovModelError,
    InteropError,
    SpecError,
    SpecProblem,
)

LOCATED = [DecisionError, InteropError, EventLogError]


class TestLocatedErrors:
    """DecisionError, InteropError, EventLogError and SpecProblem say where, then what."""

    @pytest.mark.parametrize("cls", LOCATED)
    def test_message_with_location(self, cls: type[DecisionError | InteropError]) -> None:
        """The message is "location: message"; both parts are kept as attributes."""
        err = cls("ballots[3].vote", 'expected "for", found "maybe"')
        assert str(err) == 'ballots[3].vote: expected "for", found "maybe"'
        assert err.args == ('ballots[3].vote: expected "for", found "maybe"',)
        assert (err.location, err.message) == ("ballots[3].vote", 'expected "for", found "maybe"')

    @pytest.mark.parametrize("cls", LOCATED)
    def test_message_without_location(self, cls: type[DecisionError | InteropError]) -> None:
        """With an empty location the message stands alone, with no leading colon."""
        err = cls("", "expected a JSON object")
        assert str(err) == "expected a JSON object"
        assert (err.location, err.message) == ("", "expected a JSON object")

    @pytest.mark.parametrize("cls", LOCATED)
    def test_builtin_and_tree(self, cls: type[DecisionError | InteropError]) -> None:
        """Each is a GovModelError and a ValueError, so either except clause catches it."""
        err = cls("x", "y")
        assert isinstance(err, GovModelError)
        assert isinstance(err, ValueError)
        with pytest.raises(ValueError, match=r"^x: y$"):
            raise err

    @pytest.mark.parametrize("cls", LOCATED)
    def test_pickle_round_trip(self, cls: type[DecisionError | InteropError]) -> None:
        """A pickled error comes back as its own class with the same parts and message."""
        err = cls("requests[2].status", "expected open")
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is cls
        assert (again.location, again.message, str(again)) == (
            "requests[2].status",
            "expected open",
            "requests[2].status: expected open",
        )

    def test_spec_problem(self) -> None:
        """SpecProblem keeps its code beside the location and message, through pickling too."""
        problem = SpecProblem("places[3].parent", "dangling-reference", 'no place "compound:x"')
        assert str(problem) == 'places[3].parent: no place "compound:x"'
        assert isinstance(problem, ValueError)
        assert isinstance(problem, GovModelError)
        again = pickle.loads(pickle.dumps(problem))
        assert type(again) is SpecProblem
        assert (again.location, again.code, again.message) == (
            "places[3].parent",
            "dangling-reference",
            'no place "compound:x"',
        )
        assert str(SpecProblem("", "syntax", "not valid TOML")) == "not valid TOML"

    def test_spec_error_groups_problems(self) -> None:
        """A SpecError of located problems prints each under its heading."""
        problem = SpecProblem("name", "wrong-type", "expected a string")
        err = SpecError("spec: cannot load", [problem])
        assert str(err) == "spec: cannot load (1 problem):\n  name: expected a string"

    def test_distinct_classes(self) -> None:
        """The located errors stay separate classes: catching one does not catch another."""
        assert not issubclass(DecisionError, InteropError)
        assert not issubclass(InteropError, DecisionError)
        assert not issubclass(SpecProblem, DecisionError | InteropError)

    def test_shared_base_is_private(self) -> None:
        """The common base is not part of the public surface."""
        public = set(govmodel.errors.__all__) | set(govmodel.__all__)
        assert not any(name.startswith("_") for name in public)
