"""CI ratio check: chromdiff parse+load must stay well ahead of a large regression vs pandas.

Measures both approaches side by side in the same run on ~50k generated regions (each in its own
process) and fails only when ``pandas / chromdiff`` drops below ``bench.quick.FLOOR`` — never on
absolute time. Full numbers live in ``BENCHMARKS.md`` (``uv run python -m bench``).
"""

from __future__ import annotations

import pytest

from bench.quick import FLOOR, N_ROWS, measure


@pytest.mark.slow
def test_load_ratio_vs_pandas_above_floor() -> None:
    res = measure(N_ROWS, repeats=3)
    assert res["n_regions"] == res["pandas_rows"] == N_ROWS
    assert res["n_counts"] == 16 * N_ROWS
    assert res["ratio"] >= FLOOR, (
        f"chromdiff {res['chromdiff_s']:.3f} s vs pandas {res['pandas_s']:.3f} s: ratio "
        f"{res['ratio']:.2f} fell below {FLOOR}"
    )
