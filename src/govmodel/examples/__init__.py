"""The five bundled communities, modelled from the source articles.

Each is a TOML spec shipped inside the package:

========== ====================================== ======
name       community                              seed
========== ====================================== ======
shagangwan 沙港湾居民区 (Fengxian, Shanghai)       000
chengxi    城西街道 (Pingyao, Shanxi)              001
xinhe      新河社区 (Xinhua street)                002
zhuanqiao  砖桥居民区 (Dongjing, Songjiang)        003
lianhua    莲花街道 (Futian, Shenzhen)             004
========== ====================================== ======

Examples
--------
>>> from govmodel import examples
>>> examples.names()
('shagangwan', 'chengxi', 'xinhe', 'zhuanqiao', 'lianhua')
>>> examples.load("zhuanqiao").name_zh
'砖桥居民区'
>>> examples.load("nowhere")
Traceback (most recent call last):
...
govmodel.errors.UnknownNodeError: no example "nowhere" in the bundled examples (expected one of ...)
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from govmodel.errors import UnknownNodeError
from govmodel.spec import loads
from govmodel.structure import Structure

__all__ = ["load", "names", "path"]

_NAMES = ("shagangwan", "chengxi", "xinhe", "zhuanqiao", "lianhua")


def names() -> tuple[str, ...]:
    """The names of the bundled communities, in seed order."""
    return _NAMES


def path(name: str) -> Path:
    """The path of the bundled spec file ``name``.

    Examples
    --------
    >>> from govmodel import examples
    >>> examples.path("xinhe").name
    'xinhe.toml'
    """
    _check(name)
    return Path(str(resources.files(__name__).joinpath(f"{name}.toml")))


def _check(name: str) -> None:
    if name not in _NAMES:
        raise UnknownNodeError(
            name, f"the bundled examples (expected one of {', '.join(_NAMES)})", what="example"
        )


@cache
def load(name: str) -> Structure:
    """The bundled community ``name`` as a validated ``govmodel.Structure``.

    Structures are immutable, down to the attribute dictionaries of their
    graph, so the same object is returned on every call and no caller can
    change it under another.

    Examples
    --------
    >>> from govmodel import examples
    >>> examples.load("xinhe") is examples.load("xinhe")
    True
    >>> examples.load("xinhe").graph.nodes["pm:cxh"]["type"] = "changed"
    Traceback (most recent call last):
    ...
    TypeError: a structure's graph is frozen: its attribute dictionaries cannot be changed ...
    """
    _check(name)
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return loads(text, format="toml", where=f"examples/{name}.toml")
