"""An integration's results do not depend on the order its rows are stored in.

The same integration is stored twice: as loaded, and with every input table of the views
(``int_links``, ``int_peaks``, ``int_genes``, ``int_peak_annotation``, ``int_rp_links``) written
back in reverse order. Recomputing the statistics and the report of both must give the same stored
statistics, bit for bit, and byte-identical exports (row order included): no sum may depend on
the order DuckDB scans the rows in, and every export has a key order.
"""

from __future__ import annotations

import shutil

import pytest

from chromdiff.integration import pipeline
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.warehouse import db

SPEC = SimSpec(n_genes=1500, n_peaks=2000, n_concordant=30, n_discordant=10)
REVERSED = ("int_links", "int_peaks", "int_genes", "int_peak_annotation", "int_rp_links")
STATS = ("int_correlations", "int_sensitivity", "int_beta_tests")


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reproducible")
    inputs = simulate(tmp / "in", SPEC)
    pipeline.run_integration(
        tmp / "a.duckdb", out_dir=tmp / "first", rna=inputs["rna"], peaks=inputs["atac"],
        genome="hg38", integration_id="rep", params=IntegrationParams(title="rep"),
    )  # fmt: skip
    shutil.copy(tmp / "a.duckdb", tmp / "b.duckdb")
    with db.writer(tmp / "b.duckdb") as con:
        for t in REVERSED:
            con.execute(f"create temp table _rev as select * from {t} order by rowid desc")
            con.execute(f"delete from {t}")
            con.execute(f"insert into {t} select * from _rev")
            con.execute("drop table _rev")
    return tmp


def _recompute(path, out):
    pipeline.stats_step(path, "rep")
    pipeline.report_step(path, "rep", out, "rep", export_formats="csv,parquet")
    with db.connect(path, read_only=True) as con:
        return {t: con.execute(f"select * exclude (integration_id) from {t} order by all")
                .fetchall() for t in STATS}  # fmt: skip


def test_stored_order_changes_nothing(stored):
    with db.connect(stored / "b.duckdb", read_only=True) as con:
        first = con.execute("select peak_id, gene_id from int_links limit 3").fetchall()
    with db.connect(stored / "a.duckdb", read_only=True) as con:
        assert first != con.execute("select peak_id, gene_id from int_links limit 3").fetchall()
    stats_a = _recompute(stored / "a.duckdb", stored / "out_a")
    stats_b = _recompute(stored / "b.duckdb", stored / "out_b")
    assert stats_a == stats_b  # exact: no tolerance
    files = sorted(p.name for p in (stored / "out_a" / "rep").iterdir()
                   if p.suffix in (".csv", ".parquet"))  # fmt: skip
    assert len(files) == 8
    for name in files:
        a = (stored / "out_a" / "rep" / name).read_bytes()
        assert a == (stored / "out_b" / "rep" / name).read_bytes(), name
