"""Assert that a block logs a warning (chromdiff reports data caveats through logging)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def logs_warning(caplog: pytest.LogCaptureFixture, match: str, count: int = 1) -> Iterator[None]:
    """Require ``count`` WARNING records from ``chromdiff.*`` matching ``match`` in the block."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="chromdiff"):
        yield
    hits = [r for r in caplog.records if r.name.startswith("chromdiff")
            and r.levelno == logging.WARNING and re.search(match, r.getMessage())]  # fmt: skip
    assert len(hits) == count, [r.getMessage() for r in caplog.records]
