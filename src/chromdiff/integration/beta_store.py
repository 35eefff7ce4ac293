"""Run the BETA mode on files and store every result in DuckDB, all or nothing.

Both inputs and the RefSeq table are read and the whole computation done before anything is
written; the ``beta_*`` rows of the integration are then replaced in one transaction, so a
failure leaves a previous run's rows as they were.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import duckdb
import pandas as pd

import chromdiff
from chromdiff.integration import beta_inputs
from chromdiff.integration.beta_mode import BetaOptions, BetaResult, is_mangled, run_beta
from chromdiff.warehouse.db import transaction

#: Tables holding one BETA-mode run's rows (all keyed by integration_id).
BETA_TABLES = ("beta_runs", "beta_transcript_rp", "beta_gene_sets", "beta_function", "beta_targets")


def _frames(iid: str, res: BetaResult) -> dict[str, pd.DataFrame]:
    tx = pd.DataFrame(
        [
            (
                iid,
                i,
                t.refseq,
                t.symbol,
                t.chrom,
                t.tx_start,
                t.tx_end,
                t.strand,
                t.tss,
                t.n_peaks,
                t.score,
                t.score_text,
                t.file_rank,
            )
            for i, t in enumerate(res.ordered, start=1)
        ],
        columns=[
            "integration_id",
            "score_order",
            "refseq",
            "symbol",
            "chrom",
            "tx_start",
            "tx_end",
            "strand",
            "tss",
            "n_peaks",
            "rp",
            "rp_text",
            "file_rank",
        ],
    )
    tx["file_rank"] = tx["file_rank"].astype("Int64")
    sets = []
    g = res.groups
    for name, ids in (("up", g.up_ids), ("down", g.down_ids), ("background", g.background_ids)):
        for pos, gene in enumerate(ids, start=1):
            sets.append((iid, name, pos, gene, res.ranks.get(gene)))
    sets_df = pd.DataFrame(
        sets, columns=["integration_id", "gene_set", "position", "gene", "rp_rank"]
    )
    sets_df["rp_rank"] = sets_df["rp_rank"].astype("Int64")
    fn = pd.DataFrame(
        [
            (
                iid,
                name,
                k.n_x,
                k.n_y,
                k.d_statistic,
                k.p_value,
                k.p_value_r,
                k.p_value_asymptotic,
                k.exact,
                name in res.selected,
            )
            for name, k in res.ks.items()
        ],
        columns=[
            "integration_id",
            "gene_set",
            "n_genes",
            "n_background",
            "d_statistic",
            "p_value",
            "p_value_r",
            "p_value_asymptotic",
            "exact",
            "selected",
        ],
    )
    tg = pd.DataFrame(
        [
            (
                iid,
                t.group,
                t.target_rank,
                t.gene,
                t.refseq,
                t.symbol,
                t.chrom,
                t.tx_start,
                t.tx_end,
                t.strand,
                t.score_text,
                t.binding_rank,
                t.expression_rank,
                t.rank_product,
            )
            for t in res.targets
        ],
        columns=[
            "integration_id",
            "gene_set",
            "target_rank",
            "gene",
            "refseq",
            "symbol",
            "chrom",
            "tx_start",
            "tx_end",
            "strand",
            "rp_text",
            "binding_rank",
            "expression_rank",
            "rank_product",
        ],
    )
    return {"beta_transcript_rp": tx, "beta_gene_sets": sets_df, "beta_function": fn,
            "beta_targets": tg}  # fmt: skip


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cols = ", ".join(frame.columns)
    con.register("_beta_frame", frame)
    try:
        con.execute(f"insert into {table} ({cols}) select {cols} from _beta_frame")
    finally:
        con.unregister("_beta_frame")


def default_id(opts: BetaOptions, *parts: str) -> str:
    """``beta_`` + a short hash of the options and the input hashes."""
    blob = json.dumps([asdict(opts), *parts], sort_keys=True).encode()
    return "beta_" + hashlib.sha256(blob).hexdigest()[:12]


def compute_beta(
    con: duckdb.DuckDBPyConnection,
    *,
    rna: str | Path,
    peaks: str | Path,
    genome: str | None = None,
    reference: str | Path | None = None,
    opts: BetaOptions | None = None,
    title: str = "integration",
    integration_id: str | None = None,
    atac_columns: dict[str, str] | None = None,
    rna_columns: dict[str, str] | None = None,
) -> dict:
    """Read the inputs and run BETA ``basic``; nothing is written (temp tables only).

    Returns
    -------
    tuple
        (the ``beta_runs`` row, the other tables' frames, the summary of
        :func:`run_beta_integration`).
    """
    opts = (opts or BetaOptions()).validated()
    ref_path = beta_inputs.reference_path(genome, reference)
    transcripts = beta_inputs.read_reference(ref_path)
    peak_list, pmeta = beta_inputs.read_peaks(con, peaks, atac_columns)
    rows, rmeta = beta_inputs.read_de(con, rna, rna_columns, gname2=opts.gname2)
    ref = beta_inputs.reference_meta(ref_path, genome)
    boundaries, bmeta = None, None
    if opts.boundary:
        bpath = beta_inputs.boundary_path(genome, opts.bf)
        boundaries = beta_inputs.read_boundaries(bpath)
        bmeta = "BETA 1.0.7 hg19_CTCF_bound.bed" if opts.bf is None else str(bpath)
    res = run_beta(transcripts, peak_list, rows, opts, boundaries)
    iid = integration_id or default_id(
        opts, pmeta["sha256"], rmeta["sha256"], ref["reference_sha256"],
        json.dumps(rmeta["columns"], sort_keys=True), str(pmeta["score_column"]),
    )  # fmt: skip
    g = res.groups
    chroms = {t.chrom for t in res.ordered}
    run = {
        "integration_id": iid, "title": title, "genome": genome, **ref,
        "peaks_source": pmeta["source"], "peaks_sha256": pmeta["sha256"],
        "peaks_score_column": pmeta["score_column"], "coordinate_base": pmeta["base"],
        "rna_source": rmeta["source"], "rna_sha256": rmeta["sha256"],
        "rna_columns": json.dumps(rmeta["columns"]),
        "da": opts.da, "pn": opts.pn, "distance": opts.distance, "df": opts.df,
        "cutoff": opts.cutoff, "gname2": opts.gname2, "boundary": bmeta,
        "n_peaks_read": len(peak_list), "n_peaks_used": len(res.peaks_used),
        "n_peaks_unplaced": sum(1 for p in res.peaks_used if p.chrom not in chroms),
        "n_transcripts": len(res.ordered), "n_de_rows": rmeta["n_rows"],
        "n_affx_skipped": rmeta["n_affx"], "n_na_fdr": rmeta["n_na_fdr"],
        "n_ids_mangled": len({i for i, _, _ in rows if is_mangled(i)}),
        "n_up": len(g.up), "n_down": len(g.down), "n_nochange": len(g.nochange),
        "n_up_selected": g.n_up_selected, "n_down_selected": g.n_down_selected,
        "background_rule": g.background_rule, "status": "done",
        "chromdiff_version": chromdiff.__version__,
    }  # fmt: skip
    summary = {
        "integration_id": iid,
        "method": "beta",
        "function": {
            k: {
                "n_genes": r.n_x,
                "n_background": r.n_y,
                "d": r.d_statistic,
                "p_value": r.p_value,
                "p_value_r": r.p_value_r,
            }
            for k, r in res.ks.items()
        },
        "selected": list(res.selected),
        "n_targets": len(res.targets),
        "n_peaks": len(peak_list),
        "n_genes": rmeta["n_rows"],
        "background_rule": g.background_rule,
    }
    return run, _frames(iid, res), summary


def run_beta_integration(con: duckdb.DuckDBPyConnection, **kwargs: object) -> dict:
    """Read the inputs, run BETA ``basic`` and replace the integration's ``beta_*`` rows.

    ``kwargs`` are those of :func:`compute_beta`.

    Returns
    -------
    dict
        ``integration_id``, ``method`` (``beta``), the ``function`` rows (up / down: n, D,
        p-values), ``selected``, ``n_targets`` and the input counts.
    """
    run, frames, summary = compute_beta(con, **kwargs)
    iid = run["integration_id"]
    with transaction(con):
        for table in BETA_TABLES:
            con.execute(f"delete from {table} where integration_id = ?", [iid])
        _insert(con, "beta_runs", pd.DataFrame([run]))
        for table, frame in frames.items():
            _insert(con, table, frame)
    return summary


def beta_step(db_path: str | Path, **kwargs: object) -> dict:
    """:func:`run_beta_integration` on a database path (the flow's task calls this)."""
    from chromdiff.warehouse import db

    with db.writer(db_path) as con:
        return run_beta_integration(con, **kwargs)
