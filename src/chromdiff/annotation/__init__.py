"""Peak-to-gene annotation engine (ChIPseeker-like features, nearest gene, GREAT links).

See ``docs/annotation.md`` for the rules and the exact output columns. The names below are
imported on first use (PEP 562), so ``chromdiff annotate --regions`` loads only the modules it
runs (see :mod:`chromdiff.duckcore`).
"""

from __future__ import annotations

import importlib

_WHERE = {
    "EMBEDDED": "chromdiff.annotation.load",
    "OUTPUT_COLUMNS": "chromdiff.annotation.annotate",
    "annotate_comparison": "chromdiff.annotation.comparison",
    "annotate_regions": "chromdiff.annotation.annotate",
    "ensure_annotation": "chromdiff.annotation.load",
    "link_great": "chromdiff.annotation.links",
    "link_nearest": "chromdiff.annotation.links",
    "link_within_distance": "chromdiff.annotation.links",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    """Import ``name`` from the module that defines it, on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
