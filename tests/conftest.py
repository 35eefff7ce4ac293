"""Shared pytest configuration. Fixtures live in ``tests/fixtures/`` (one module per concern)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

import chromdiff  # noqa: F401  (sets PREFECT_HOME, telemetry off, before Prefect is imported)

# The embedded annotation's cache files (chromdiff.annotation.filecache) go to a per-run folder,
# never to the user's ~/.cache; the folder is removed when the run ends (the test processes that
# inherit it have ended by then).
if "CHROMDIFF_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="chromdiff-cache-")
    os.environ["CHROMDIFF_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

pytest_plugins = [
    "tests.fixtures.prefect_harness",
    "tests.fixtures.fake_server",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every ``@pytest.mark.prefect`` test the one shared Prefect harness."""
    for item in items:
        if item.get_closest_marker("prefect"):
            item.fixturenames.insert(0, "prefect_harness")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    """Turn a skip into a failure when ``CHROMDIFF_FAIL_ON_SKIP=1`` (CI with every tool installed).

    Tests skip only for a missing system tool (bedtools, Rscript with edgeR, Chromium); CI installs
    them all, so there a skip means a test silently stopped running.
    """
    outcome = yield
    report = outcome.get_result()
    strict = os.environ.get("CHROMDIFF_FAIL_ON_SKIP") == "1"
    if strict and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped although CHROMDIFF_FAIL_ON_SKIP=1: {reason}"
