"""Tests for `govmodel._frozenmap`: the immutable mapping that frozen records hold."""

import pickle

import govmodel.rules
import govmodel.rules.policy
from govmodel._frozenmap import FrozenMap


class TestFrozenMap:
    def test_mapping_behaviour(self) -> None:
        """FrozenMap reads like a dict, compares with dicts and hashes by content."""
        m = FrozenMap({"a": 1, "b": 2})
        assert dict(m) == {"a": 1, "b": 2}
        assert m == {"a": 1, "b": 2}
        assert hash(m) == hash(FrozenMap({"b": 2, "a": 1}))
        assert pickle.loads(pickle.dumps(m)) == m

    def test_public_names(self) -> None:
        """The rules and the policy still export FrozenMap under its old names."""
        assert govmodel.rules.FrozenMap is FrozenMap
        assert govmodel.rules.policy.FrozenMap is FrozenMap
