"""CSV/Parquet exports: documented columns, row counts, always written (even when empty)."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from chromdiff.report.exports import write_exports
from chromdiff.warehouse.db import apply_schema, connect
from tests.warehouse_rows import add_comparison, add_regions, background

BASE = [
    "chrom",
    "start",
    "end",
    "size",
    "logFC",
    "pvalue",
    "qvalue",
    "direction",
    "significant",
    "mean_count",
    "mean_count_a",
    "mean_count_b",
    "nearest_gene",
    "distance_to_tss",
    "genic_gene",
]


@pytest.fixture
def db():
    with connect() as c:
        apply_schema(c)
        yield c


def test_exports_columns_and_counts(db, tmp_path):
    add_comparison(db, n_a=2, n_b=3)
    rows = [
        *background(80),
        {"chrom": "chrUn_x", "start": 0, "stop": 500, "qvalue": 0.001},
        {"chrom": "chr2", "start": 0, "stop": 5, "qvalue": 0.001},
    ]
    add_regions(db, "cmp1", rows)
    db.execute(
        "insert into region_annotation (comparison_id, region_id, gene_id, symbol, "
        "distance_to_tss, genic_symbol) values ('cmp1', 1, '7157', 'TP53', -52300, 'WRAP53')"
    )
    written = write_exports(db, "cmp1", tmp_path)
    assert sorted(written) == sorted(
        f"diff_regions_{k}.{ext}"
        for k in ("all", "significant", "top50", "excluded")
        for ext in ("csv", "parquet")
    )
    counts = ["count_SRXA000", "count_SRXA001", "count_SRXB000", "count_SRXB001", "count_SRXB002"]
    # each region written once: all (80 pass the QC filter) + excluded (chrUn, 5 bp) = 82
    expected_rows = {"all": 80, "significant": 20, "top50": 50, "excluded": 2}
    for key, n in expected_rows.items():
        csv = pd.read_csv(tmp_path / f"diff_regions_{key}.csv")
        par = pq.read_table(tmp_path / f"diff_regions_{key}.parquet").to_pandas()
        cols = (["rank"] if key == "top50" else []) + BASE + counts
        assert list(csv.columns) == cols and list(par.columns) == cols
        assert len(csv) == len(par) == n
    top = pd.read_csv(tmp_path / "diff_regions_top50.csv")
    assert top["rank"].tolist() == list(range(1, 51))
    assert top["qvalue"].is_monotonic_increasing
    first = top.iloc[0]
    # region 1 of background(): chr1:1000-1500, logFC +2, counts A 50 / B 48
    assert (first.chrom, first.start, first.end, first.direction) == (
        "chr1",
        1000,
        1500,
        "A-enriched",
    )
    assert (first.count_SRXA000, first.count_SRXB002) == (50.0, 48.0)
    assert (first.nearest_gene, first.distance_to_tss, first.genic_gene) == (
        "TP53",
        -52300,
        "WRAP53",
    )
    assert first.mean_count == pytest.approx(49.0)
    allr = pd.read_csv(tmp_path / "diff_regions_all.csv")
    assert (allr["end"] - allr["start"] == allr["size"]).all()
    assert set(allr["direction"]) == {"A-enriched", "B-enriched"}


def test_empty_significant_and_excluded_still_written(db, tmp_path):
    add_comparison(db)
    add_regions(
        db, "cmp1", [{"chrom": "chr1", "start": 0, "stop": 100, "logfc": 0.0, "qvalue": 0.9}]
    )
    write_exports(db, "cmp1", tmp_path)
    sig = pd.read_csv(tmp_path / "diff_regions_significant.csv")
    assert len(sig) == 0 and "logFC" in sig.columns
    assert pq.read_table(tmp_path / "diff_regions_significant.parquet").num_rows == 0
    assert len(pd.read_csv(tmp_path / "diff_regions_excluded.csv")) == 0
    assert pd.read_csv(tmp_path / "diff_regions_all.csv")["direction"].tolist() == ["none"]


def test_dmr_export_columns(db, tmp_path):
    add_comparison(db, analysis="dmr")
    add_regions(
        db, "cmp1", [{"chrom": "chr1", "start": 0, "stop": 500, "meth_diff": -0.4, "qvalue": 0.01}]
    )
    write_exports(db, "cmp1", tmp_path)
    table = pd.read_csv(tmp_path / "diff_regions_all.csv")
    assert list(table["direction"]) == ["B-hyper"]  # meth_diff < 0: hypermethylated in B
    cols = list(table.columns)
    assert cols == [
        "chrom",
        "start",
        "end",
        "size",
        "meth_diff",
        "pvalue",
        "qvalue",
        "direction",
        "significant",
        "n_cpgs",
        "p_mwu",  # metilene's 2D KS p beside pvalue (its Mann-Whitney U p)
        "mean_meth_a",
        "mean_meth_b",
        "nearest_gene",
        "distance_to_tss",
        "genic_gene",
    ]


def test_csv_is_what_pandas_writes_from_the_parquet(db, tmp_path):
    """DuckDB writes the files; pandas (the previous writer) renders the Parquet to the same CSV
    bytes: same values in both files, floats in shortest round-trip form, True/False, empty NULL."""
    add_comparison(db, n_a=2, n_b=2)
    rows = background(30)
    rows[3] |= {"qvalue": 1.25e-295, "logfc": -0.1 - 0.2}
    add_regions(db, "cmp1", rows)
    write_exports(db, "cmp1", tmp_path)
    for key in ("all", "significant", "top50", "excluded"):
        frame = pq.read_table(tmp_path / f"diff_regions_{key}.parquet").to_pandas()
        text = (tmp_path / f"diff_regions_{key}.csv").read_text()
        assert text == frame.to_csv(index=False, lineterminator="\n"), key
    assert not list(tmp_path.glob("*.part"))


def test_formats_asked_for_and_stale_files_removed(db, tmp_path):
    add_comparison(db)
    add_regions(db, "cmp1", background(30))
    (tmp_path / "diff_regions_unfiltered.csv").write_text("old")  # an earlier version's file
    written = write_exports(db, "cmp1", tmp_path, "parquet")
    assert sorted(written) == sorted(
        f"diff_regions_{k}.parquet" for k in ("all", "significant", "top50", "excluded")
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written)
    write_exports(db, "cmp1", tmp_path, "csv")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv"] * 4
    with pytest.raises(ValueError, match="expected one of auto, csv, parquet"):
        write_exports(db, "cmp1", tmp_path, "xlsx")


def test_top_export_of_another_top_n_is_removed(db, tmp_path):
    """A run with top_n 5 after one with 50 left diff_regions_top50.* beside diff_regions_top5.*."""
    add_comparison(db)
    add_regions(db, "cmp1", background(30))
    write_exports(db, "cmp1", tmp_path, "csv")
    (tmp_path / "diff_regions_top500.txt").write_text("not ours")
    db.execute("update comparison_params set top_n = 5")
    write_exports(db, "cmp1", tmp_path, "csv")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in names if n.startswith("diff_regions_top")] == [
        "diff_regions_top5.csv", "diff_regions_top500.txt",
    ]  # fmt: skip


def test_auto_writes_parquet_only_for_large_tables(db, tmp_path, monkeypatch):
    from chromdiff.report import tablefiles

    monkeypatch.setattr(tablefiles, "AUTO_CSV_MAX_ROWS", 25)
    add_comparison(db)
    add_regions(db, "cmp1", background(30))
    written = write_exports(db, "cmp1", tmp_path)
    assert "diff_regions_all.parquet" in written and "diff_regions_all.csv" not in written
    assert {"diff_regions_significant.csv", "diff_regions_significant.parquet"} <= set(written)


def test_top_export_is_the_ranked_view(db, tmp_path):
    """The top-N export (a Top-N query) holds exactly ``regions_ranked``'s first N rows."""
    add_comparison(db)
    rows = background(120)
    for i, r in enumerate(rows):  # ties in q and |logFC| so the later sort keys decide
        r |= {"qvalue": [0.001, 0.01, None][i % 3], "logfc": [2.0, -2.0, 0.5][i % 2]}
    add_regions(db, "cmp1", rows)
    write_exports(db, "cmp1", tmp_path, "parquet")
    got = pq.read_table(tmp_path / "diff_regions_top50.parquet").to_pandas()
    want = db.execute(
        "select rank, chrom, start, stop from regions_ranked where comparison_id = 'cmp1' "
        "and rank <= 50 order by rank"
    ).fetchall()
    assert [tuple(r) for r in got[["rank", "chrom", "start", "end"]].itertuples(index=False)] == [
        tuple(w) for w in want
    ]
