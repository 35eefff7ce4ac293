"""README and docs/operations.md: the Prefect commands, followed literally, are offline and quiet
and use the same Prefect home as ``./run`` (issue 19, items 3, 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUIET = ("DO_NOT_TRACK=1", "PREFECT_SERVER_ANALYTICS_ENABLED=false", "PREFECT_HOME=$PWD/.prefect")


def _blocks(path: Path) -> list[str]:
    return re.findall(r"```(?:sh|bash)\n(.*?)```", path.read_text(), flags=re.S)


def test_run_uses_the_checkouts_prefect_home():
    text = (ROOT / "run").read_text()
    assert 'export PREFECT_HOME="${PREFECT_HOME:-$PWD/.prefect}"' in text
    assert "DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false" in text


@pytest.mark.parametrize("page", ["README.md", "docs/operations.md"])
def test_every_prefect_block_exports_the_quiet_settings_first(page):
    blocks = [b for b in _blocks(ROOT / page) if re.search(r"^(uv run )?prefect ", b, re.M)]
    assert blocks, f"{page} has no prefect commands"
    for block in blocks:
        first = block.splitlines()[0]
        assert first.startswith("export "), (page, first)
        for setting in QUIET:
            assert setting in first, (page, setting)
        server = [ln for ln in block.splitlines() if "prefect server start" in ln]
        flows = [ln for ln in block.splitlines() if re.search(r"deployment run|\./run ", ln)]
        if server and flows:
            assert "export PREFECT_API_URL=" in block, (page, block)


def test_serve_is_documented_with_its_served_names():
    text = (ROOT / "docs" / "operations.md").read_text()
    assert "'compare/compare-adhoc-served'" in text and "`<name>-served`" in text
    assert "read **once, by `prefect deploy`**" in text  # the pull step's working directory
