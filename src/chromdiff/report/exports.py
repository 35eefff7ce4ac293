"""CSV and Parquet exports of one comparison: all (QC-filtered), significant, top-N and unfiltered.

Every file is always written, possibly with zero rows, so downstream steps are deterministic.
Columns: chrom, start, end, size, the effect (``logFC``, or ``meth_diff`` for dmr), pvalue, qvalue,
direction (``A-enriched`` / ``B-enriched`` / ``none``), significant, mean counts, nearest_gene, then
one ``count_<experiment>`` column per experiment (group A then B, in input order; diffbind only).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chromdiff.report.queries import view_frame

#: export stem -> source view
EXPORT_VIEWS = {
    "diff_regions_all": "regions_filtered",
    "diff_regions_significant": "regions_significant",
    "diff_regions_top": "regions_ranked",
    "diff_regions_unfiltered": "regions_unfiltered",
}

_ORDER = "chrom, start, stop, region_id"
_RANK_ORDER = "rank"


def _counts_wide(con: duckdb.DuckDBPyConnection, comparison_id: str) -> pd.DataFrame:
    """One ``count_<experiment>`` column per experiment (group A then B, input order)."""
    exps = view_frame(con, "experiments", comparison_id, "grp, input_order")["experiment_id"]
    cols = [f"count_{e}" for e in exps]
    long = view_frame(con, "region_counts_labeled", comparison_id, "region_id")
    if long.empty:
        return pd.DataFrame({"region_id": pd.Series([], dtype="int32"), **{c: [] for c in cols}})
    wide = long.pivot(index="region_id", columns="experiment_id", values="count")
    wide = wide.reindex(columns=list(exps))
    wide.columns = cols
    return wide.reset_index()


def export_frame(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    view: str,
    analysis: str,
    counts: pd.DataFrame,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Return the export table of ``view`` for one comparison with the documented columns."""
    ranked = view == "regions_ranked"
    df = view_frame(con, view, comparison_id, _RANK_ORDER if ranked else _ORDER)
    if ranked and top_n is not None:
        df = df[df["rank"] <= top_n]
    effect = "meth_diff" if analysis == "dmr" else "logFC"
    out = pd.DataFrame(
        {
            **({"rank": df["rank"]} if ranked else {}),
            "chrom": df["chrom"],
            "start": df["start"],
            "end": df["stop"],
            "size": df["size"],
            effect: df["effect"],
            "pvalue": df["pvalue"],
            "qvalue": df["qvalue"],
            "direction": df["direction"].map({"A": "A-enriched", "B": "B-enriched"}).fillna("none"),
            "significant": df["significant"],
        }
    )
    if analysis == "dmr":
        for col in ("n_cpgs", "mean_meth_a", "mean_meth_b"):
            out[col] = df[col]
    else:
        for col in ("mean_count", "mean_count_a", "mean_count_b"):
            out[col] = df[col]
    out["nearest_gene"] = df["nearest_gene"]
    if analysis != "dmr":
        out = out.join(df[["region_id"]]).merge(counts, on="region_id", how="left")
        out = out.drop(columns="region_id")
    return out.reset_index(drop=True)


def write_exports(
    con: duckdb.DuckDBPyConnection, comparison_id: str, out_dir: Path
) -> dict[str, Path]:
    """Write every export as CSV and Parquet under ``out_dir``; return ``{file name: path}``."""
    ((analysis, top_n),) = con.execute(
        "select c.analysis, p.top_n from comparisons c join comparison_params p "
        "using (comparison_id) where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    counts = _counts_wide(con, comparison_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for stem, view in EXPORT_VIEWS.items():
        df = export_frame(con, comparison_id, view, analysis, counts, top_n)
        name = f"diff_regions_top{top_n}" if stem == "diff_regions_top" else stem
        csv_path, pq_path = out_dir / f"{name}.csv", out_dir / f"{name}.parquet"
        df.to_csv(csv_path, index=False, lineterminator="\n")
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), pq_path)
        written[csv_path.name] = csv_path
        written[pq_path.name] = pq_path
    return written
