"""Shared pytest configuration. Fixtures live in ``tests/fixtures/`` (one module per concern)."""

from __future__ import annotations

import os
import tempfile

import pytest

import chromdiff  # noqa: F401  (sets PREFECT_HOME, telemetry off, before Prefect is imported)

# The embedded annotation's cache files (chromdiff.annotation.filecache) go to a per-run folder,
# never to the user's ~/.cache.
os.environ.setdefault("CHROMDIFF_CACHE_DIR", tempfile.mkdtemp(prefix="chromdiff-cache-"))

pytest_plugins = [
    "tests.fixtures.prefect_harness",
    "tests.fixtures.fake_server",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every ``@pytest.mark.prefect`` test the one shared Prefect harness."""
    for item in items:
        if item.get_closest_marker("prefect"):
            item.fixturenames.insert(0, "prefect_harness")
