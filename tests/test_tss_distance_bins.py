"""TSS-distance bins as ChIPseeker's plotDistToTSS counts them (R/plotDistToTSS.R, 85fd5f7).

Bins are half-open ([0, 1) kb, [1, 3) kb, ...; > 100 kb), a distance of exactly 100 kb falls in
no bin (R's NA) but stays in the total, and a region at the TSS counts half upstream and half
downstream (the plot's sign 0 split). Hand-computed on seven distances.
"""

from __future__ import annotations

import pandas as pd
import pytest

from chromdiff.integration.charts import peak_feature_frames
from chromdiff.warehouse.db import apply_schema, connect

DISTANCES = [0, 999, 1000, -1000, 100_000, 100_001, -50]
# (side, bin) -> regions, by hand: 0 -> half each side of 0-1kb; 999, -50 -> 0-1kb; 1000 and
# -1000 -> 1-3kb (half-open); 100,000 -> no bin; 100,001 -> >100kb. Total 7.
EXPECTED = {
    ("upstream", "0-1kb"): 1.5, ("downstream", "0-1kb"): 1.5, ("upstream", "1-3kb"): 1.0,
    ("downstream", "1-3kb"): 1.0, ("downstream", ">100kb"): 1.0,
}  # fmt: skip


def test_comparison_view_bins_like_plotdisttotss():
    with connect() as con:
        apply_schema(con)
        con.executemany(
            "insert into region_annotation (comparison_id, region_id, distance_to_tss) "
            "values ('c', ?, ?)",
            list(enumerate(DISTANCES)),
        )
        rows = con.execute(
            "select side, bin, n_regions, fraction from annotation_tss_distance_bins"
        ).fetchall()
    assert {(s, b): n for s, b, n, _ in rows} == EXPECTED
    assert all(f == pytest.approx(n / 7) for _, _, n, f in rows)


def test_integration_chart_frames_bin_the_same_way():
    side = ["both" if d == 0 else ("upstream" if d < 0 else "downstream") for d in DISTANCES]
    order = [1, 1, 2, 2, None, 6, 1]  # as integration_peak_features writes them
    peaks = pd.DataFrame({"category": "Promoter", "side": side, "bin_order": order})
    _, bins = peak_feature_frames(peaks, "x")
    got = {(r.side, r.bin): r.n_regions for r in bins.itertuples()}
    assert got == EXPECTED and bins["fraction"].sum() == pytest.approx(6 / 7)
