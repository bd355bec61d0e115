"""Tests that walk the whole `govmodel` package: its modules and the names they export.

A package that imports a function named like one of its modules rebinds that
name, so `import govmodel.metrics as m` would give the function rather than the
module, and `mock.patch("govmodel.metrics.x")` would patch the wrong object.
Modules that hold a public function of their own name therefore start with an
underscore (`govmodel._metrics` holds `govmodel.metrics`).
"""

import importlib
import pkgutil
from types import ModuleType

import pytest

import govmodel


def _modules() -> list[ModuleType]:
    found = [govmodel]
    for info in pkgutil.walk_packages(govmodel.__path__, prefix="govmodel."):
        found.append(importlib.import_module(info.name))
    return found


MODULES = _modules()
PACKAGES = [module for module in MODULES if hasattr(module, "__path__")]


def _submodules(package: ModuleType) -> list[str]:
    return [info.name for info in pkgutil.iter_modules(package.__path__)]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_submodule_names_are_not_rebound(package: ModuleType) -> None:
    """Each submodule's name in its package is the submodule, never another object."""
    for name in _submodules(package):
        module = importlib.import_module(f"{package.__name__}.{name}")
        assert getattr(package, name) is module, (
            f"{package.__name__}.{name}: expected the module, found {getattr(package, name)!r}"
        )


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_exports_are_not_named_like_modules(package: ModuleType) -> None:
    """No name a package exports, other than a module itself, is named like one of its modules."""
    modules = set(_submodules(package))
    clashes = [
        name
        for name in getattr(package, "__all__", ())
        if name in modules and not isinstance(getattr(package, name), ModuleType)
    ]
    assert not clashes, f"{package.__name__} exports {clashes}, also the names of its modules"


def test_the_walk_sees_the_package() -> None:
    """The walk finds the modules the tests above are about, private ones included."""
    names = {module.__name__ for module in MODULES}
    assert {
        "govmodel._metrics",
        "govmodel.simulation._sweep",
        "govmodel.simulation._variants",
        "govmodel.rules.routing",
    } <= names


def test_documented_names_still_call() -> None:
    """The functions keep the names the documentation gives them."""
    import govmodel.simulation

    assert govmodel.metrics is govmodel._metrics.metrics
    assert govmodel.sweep is govmodel.simulation.sweep is govmodel.simulation._sweep.sweep
    assert govmodel.variants is govmodel.simulation.variants
    assert govmodel.variants is govmodel.simulation._variants.variants
