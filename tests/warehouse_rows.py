"""Deterministic builders of warehouse rows for the QC, view, export and report tests.

Rows are inserted straight into the core tables (no server, no parser) so each test can plant
exactly the defect it checks, at and just beyond a threshold.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd


def add_comparison(
    con: duckdb.DuckDBPyConnection,
    cid: str = "cmp1",
    *,
    analysis: str = "diffbind",
    genome: str = "hg38",
    n_a: int = 5,
    n_b: int = 5,
    simulated: bool = False,
    ids_a: list[str] | None = None,
    ids_b: list[str] | None = None,
    **params: float,
) -> str:
    """Insert a loaded comparison, its params (defaults unless overridden) and its experiments."""
    con.execute(
        "insert into comparisons (comparison_id, title, analysis, genome, description_a, "
        "description_b, threshold, n_a, n_b, input_hash, base_url, request_id, status, "
        "result_format, simulated, n_regions) values (?, ?, ?, ?, 'MOLM-13', 'K-562', 5, ?, ?, "
        "'h', 'http://127.0.0.1/', 'wabi_chipatlas_2026-0001', 'loaded', ?, ?, 0)",
        [
            cid,
            f"test {cid}",
            analysis,
            genome,
            n_a,
            n_b,
            "dmr" if analysis == "dmr" else "diffbind_2025",
            simulated,
        ],
    )
    cols = ["comparison_id", *params]
    con.execute(
        f"insert into comparison_params ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
        [cid, *params.values()],
    )
    for grp, n, ids in (("A", n_a, ids_a), ("B", n_b, ids_b)):
        ids = ids or [f"SRX{grp}{i:03d}" for i in range(n)]
        for i, exp in enumerate(ids):
            con.execute(
                "insert into experiments (comparison_id, experiment_id, grp, input_order,"
                " count_order) values (?, ?, ?, ?, ?)",
                [cid, exp, grp, i, i + 1],
            )
    return cid


def add_regions(con: duckdb.DuckDBPyConnection, cid: str, rows: Iterable[dict]) -> int:
    """Insert regions (keys: chrom, start, stop, logfc, qvalue, a, b; optional pvalue, meth_diff).

    Per-experiment counts equal to the group means are written for diffbind comparisons.
    Returns the number of regions in the comparison afterwards.
    """
    first = con.execute(
        "select coalesce(max(region_id), 0) from regions where comparison_id = ?", [cid]
    ).fetchall()[0][0]
    exps = con.execute(
        "select experiment_id, grp from experiments where comparison_id = ?", [cid]
    ).fetchall()
    analysis = con.execute(
        "select analysis from comparisons where comparison_id = ?", [cid]
    ).fetchall()[0][0]
    reg, cnt = [], []
    for k, r in enumerate(rows, start=first + 1):
        q = r.get("qvalue", 0.5)
        dmr = analysis == "dmr"
        reg.append(
            (
                cid,
                k,
                r["chrom"],
                r["start"],
                r["stop"],
                None if dmr else r.get("logfc", 0.5),
                r.get("pvalue", q),
                q,
                None if dmr else r.get("a", 50.0),
                None if dmr else r.get("b", 50.0),
                r.get("meth_diff") if dmr else None,
            )
        )
        if not dmr:
            n_a = sum(grp == "A" for _, grp in exps)
            a, b = r.get("a", 50.0), r.get("b", 50.0)
            cnt.append((cid, k, [a] * n_a, [b] * (len(exps) - n_a)))
    reg_cols = [
        "comparison_id",
        "region_id",
        "chrom",
        "start",
        "stop",
        "logfc",
        "pvalue",
        "qvalue",
        "mean_count_a",
        "mean_count_b",
        "meth_diff",
    ]
    con.register("_reg_df", pd.DataFrame(reg, columns=reg_cols))
    con.execute(f"insert into regions ({', '.join(reg_cols)}) select * from _reg_df")
    con.unregister("_reg_df")
    if cnt:
        cols = ["comparison_id", "region_id", "counts_a", "counts_b"]
        con.register("_cnt_df", pd.DataFrame(cnt, columns=cols))
        con.execute("insert into region_count_vectors select * from _cnt_df")
        con.unregister("_cnt_df")
    return con.execute("select count(*) from regions where comparison_id = ?", [cid]).fetchall()[0][
        0
    ]


def background(n: int = 40, *, chrom: str = "chr1", sig_every: int = 4) -> list[dict]:
    """Clean background regions: 500 bp, 1 Mb apart, counts ~50, every ``sig_every``-th significant
    with alternating direction (so no QC rule fires on them)."""
    rows = []
    for i in range(n):
        sig = i % sig_every == 0
        sign = 1 if (i // sig_every) % 2 == 0 else -1
        rows.append(
            {
                "chrom": chrom,
                "start": 5_000_000 * i + 1000,
                "stop": 5_000_000 * i + 1500,
                "logfc": sign * (2.0 if sig else 0.2),
                "qvalue": 0.001 if sig else 0.6,
                "a": 50.0 + i,
                "b": 48.0 + i,
            }
        )
    return rows


def findings(con: duckdb.DuckDBPyConnection, view: str, cid: str = "cmp1") -> list[tuple]:
    """Return (check_name, severity, detail, evidence) rows of a QC view for one comparison."""
    return con.execute(
        f"select check_name, severity, detail, evidence from {view} where comparison_id = ?", [cid]
    ).fetchall()
