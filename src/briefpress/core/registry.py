"""How a registry finds its members: every module of a package that declares one value.

Kinds (``data/kinds/``), editions (``editions/``) and channels (``channels/``) grow the
same way, by adding a module that declares ``KIND``, ``EDITION`` or ``CHANNEL``; this is
the one loop that finds them, so that the three registries cannot drift apart in how a
member is discovered (a module that declares nothing, or a value of another type, is
simply not a member).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def declared(package: str, path: Iterable[str], attribute: str, kind: type[T]) -> list[T]:
    """The ``attribute`` of every module in ``package`` (found on ``path``) that is a ``kind``."""
    found: list[T] = []
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        value = getattr(module, attribute, None)
        if isinstance(value, kind):
            found.append(value)
    return found
