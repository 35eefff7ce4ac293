"""The peak side of an integration: a region file or a stored comparison, as ``_int_peaks``."""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.comparison_qc import apply_comparison_qc
from chromdiff.integration.orientation import orientation_note
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.readers import read_table
from chromdiff.integration.validate import input_notes, type_peaks
from chromdiff.regions.reader import auto_base


def peaks_from_file(
    con: duckdb.DuckDBPyConnection, path: str | Path, params: IntegrationParams, overrides: dict
) -> dict:
    """Read, type and check a peak file into ``_int_peaks``; return the side's description."""
    info = read_table(con, path, "peaks", "_int_peaks_raw", overrides=overrides)
    if params.coordinate_base == "auto":
        base = auto_base(info.tool, info.header)
    else:
        base = int(params.coordinate_base)
    if "meth_diff" in {c.lower() for c in info.header}:  # chromdiff's own dmr export
        raise InputError(f"{path}: a table of methylation differences (meth_diff): {DMR_REFUSED}")
    type_peaks(con, info, base)
    present = set(info.columns)
    note = orientation_note(con, info, "peaks")
    return {
        "notes": [note] if note else [],
        "source": str(path),
        "sha256": info.sha256,
        "tool": info.tool,
        "columns": info.columns,
        "base": base,
        "present": present,
    }


#: Why methylation differences are refused as the peak side (a comparison or its export).
DMR_REFUSED = (
    "its effect is a methylation difference (A - B, a fraction), not a log2 fold change of "
    "accessibility or binding, so the concordance categories (open & up, ...) and the "
    "--atac-lfc cutoff do not apply (and hypermethylation usually goes with lower "
    "expression, the opposite reading); integrate diffbind comparisons or peak files"
)


def comparison_row(con: duckdb.DuckDBPyConnection, comparison_id: str) -> tuple:
    """Return ``(genome, analysis, input_hash, description_a, description_b)`` of a comparison.

    Raises
    ------
    InputError
        Unknown comparison, or a dmr one (:data:`DMR_REFUSED`).
    """
    row = con.execute(
        "select genome, analysis, input_hash, description_a, description_b from comparisons"
        " where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    if not row:
        raise InputError(f"comparison {comparison_id!r} is not in the database")
    if row[0][1] == "dmr":
        # meth_diff is a difference of methylation fractions (|x| <= 1), so the |log2FC| cutoff
        # (default 1) was never met and every pair came out 'Other' with no warning
        raise InputError(f"comparison {comparison_id!r} is a dmr comparison: {DMR_REFUSED}")
    return row[0]


def peaks_from_comparison(
    con: duckdb.DuckDBPyConnection, comparison_id: str, keep_qc_excluded: bool = False
) -> dict:
    """Take a stored comparison's analysis set as ``_int_peaks``; return the side's description.

    Its QC verdict and major findings become notes; the chromosomes its QC excludes are left
    out unless ``keep_qc_excluded`` (see
    :func:`~chromdiff.integration.comparison_qc.apply_comparison_qc`).
    """
    genome, analysis, input_hash, desc_a, desc_b = comparison_row(con, comparison_id)
    # the comparison's analysis set (regions_filtered), as its QC, report and GREAT use it: not
    # the regions on non-standard contigs or shorter than its min_region_bp
    con.execute(
        """create or replace temp table _int_peaks as
        select region_id::integer as peak_id, chrom, start, stop, null::varchar as name,
               logfc, pvalue, qvalue as padj, null::double as score,
               region_id::bigint as source_line
        from regions_filtered where comparison_id = ?""",
        [comparison_id],
    )
    kept, total = con.execute(
        "select (select count(*) from _int_peaks), "
        "(select count(*) from regions where comparison_id = ?)",
        [comparison_id],
    ).fetchall()[0]
    if total == 0:
        raise InputError(f"comparison {comparison_id!r} has no regions loaded")
    if kept == 0:
        raise InputError(
            f"comparison {comparison_id!r}: all {total} regions are outside its analysis set "
            "(non-standard contigs or shorter than its min_region_bp)"
        )
    # edgeR's logFC is log2(A / B) (edgeR.r:71, exactTest(pair = 2:1)): group A is on top
    notes = [
        (
            "peaks",
            "orientation",
            kept,
            f"{desc_a} / {desc_b}",
            f"comparison {comparison_id}: logFC is log2({desc_a} / {desc_b}) (group A over B): "
            f"positive = higher in {desc_a}, which the categories read as 'open'",
        )
    ]
    if kept < total:
        notes.append(
            (
                "peaks",
                "outside_analysis_set",
                total - kept,
                None,
                f"{total - kept} of the comparison's {total} regions left out: on non-standard "
                "contigs or shorter than its min_region_bp, as its QC and report exclude them "
                "(regions_filtered)",
            )
        )
    # its QC verdict and major findings, and the chromosomes its QC excludes (a sex confound)
    notes += apply_comparison_qc(con, comparison_id, "_int_peaks", keep=keep_qc_excluded)
    return {
        "notes": notes,
        "source": f"comparison:{comparison_id}",
        "sha256": input_hash,
        "tool": f"comparison ({analysis})",
        "columns": {"logfc": "logfc", "padj": "qvalue", "pvalue": "pvalue"},
        "base": 0,
        "present": {"logfc", "padj", "pvalue"},
        "genome": genome,
    }


def dedupe_peaks(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Keep the first of duplicated peak rows; return (peaks kept, rows dropped)."""
    before = con.execute("select count(*) from _int_peaks").fetchall()[0][0]
    con.execute(
        """create or replace temp table _int_peaks as
        select * from _int_peaks
        qualify row_number() over (partition by chrom, start, stop order by peak_id) = 1"""
    )
    kept = con.execute("select count(*) from _int_peaks").fetchall()[0][0]
    return kept, before - kept


def peak_notes(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[tuple]:
    """Return the peak side's input notes about the columns it has (``present``)."""
    need = {"na_padj": "padj", "padj_zero": "padj", "na_logfc": "logfc", "nonfinite_logfc": "logfc"}
    return [n for n in input_notes(con, "_int_peaks", "peaks") if need[n[1]] in present]
