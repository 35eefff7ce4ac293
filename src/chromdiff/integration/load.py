"""Load both sides of an integration into DuckDB: validate everything first, then write atomically.

Nothing is written before both files have been read, typed and checked and the gene
identifiers reconciled; the rows of the integration are then replaced in one transaction (the
embedded annotation or a user GTF may be loaded into the ``ann_*`` tables before that, once).
The pipeline loads with ``staged=True``: rows go under a staging id and replace the previous
ones only when the whole run has succeeded (:mod:`chromdiff.integration.staging`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path

import duckdb

import chromdiff
from chromdiff.annotation import EMBEDDED, ensure_annotation
from chromdiff.annotation.symbolcase import case_note
from chromdiff.errors import InputError
from chromdiff.integration.comparison_qc import apply_comparison_qc, is_warning
from chromdiff.integration.identifiers import id_column_note, resolve_genes
from chromdiff.integration.orientation import opposed_note, orientation_note
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.readers import read_table
from chromdiff.integration.staging import check_user_id, integration_tables, staged_id
from chromdiff.integration.validate import input_notes, not_tested_note, type_genes, type_peaks
from chromdiff.regions.assembly import past_end
from chromdiff.regions.reader import auto_base
from chromdiff.warehouse.db import transaction

logger = logging.getLogger(__name__)

#: Tables holding one integration's rows (all keyed by integration_id).
INT_TABLES = (
    "int_peaks",
    "int_genes",
    "int_input_notes",
    "int_peak_annotation",
    "int_links",
    "int_rp_links",
    "int_correlations",
    "int_sensitivity",
    "int_beta_tests",
)


def _peaks_from_file(
    con: duckdb.DuckDBPyConnection, path: str | Path, params: IntegrationParams, overrides: dict
) -> dict:
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


def _peaks_from_comparison(
    con: duckdb.DuckDBPyConnection, comparison_id: str, keep_qc_excluded: bool = False
) -> dict:
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


def _dedupe_peaks(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Keep the first of duplicated peak rows; return (peaks kept, rows dropped)."""
    before = con.execute("select count(*) from _int_peaks").fetchall()[0][0]
    con.execute(
        """create or replace temp table _int_peaks as
        select * from _int_peaks
        qualify row_number() over (partition by chrom, start, stop order by peak_id) = 1"""
    )
    kept = con.execute("select count(*) from _int_peaks").fetchall()[0][0]
    return kept, before - kept


def _peak_notes(con: duckdb.DuckDBPyConnection, present: set[str]) -> list[tuple]:
    need = {"na_padj": "padj", "padj_zero": "padj", "na_logfc": "logfc", "nonfinite_logfc": "logfc"}
    return [n for n in input_notes(con, "_int_peaks", "peaks") if need[n[1]] in present]


def load_inputs(
    con: duckdb.DuckDBPyConnection,
    *,
    rna: str | Path,
    peaks: str | Path | None = None,
    comparison: str | None = None,
    genome: str | None = None,
    gtf: str | Path | None = None,
    params: IntegrationParams | None = None,
    integration_id: str | None = None,
    atac_columns: dict[str, str] | None = None,
    rna_columns: dict[str, str] | None = None,
    staged: bool = False,
    keep_qc_excluded: bool = False,
) -> dict:
    """Read, check and store both sides of an integration; return a summary.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Read-write connection with the schema applied.
    rna : str or Path
        DE table (DESeq2, edgeR, limma, cuffdiff, ... as TSV/CSV/Parquet, gzipped or not).
    peaks : str or Path, optional
        Differential peak table or plain peak BED; exactly one of ``peaks`` / ``comparison``.
    comparison : str, optional
        A chromdiff comparison in the database to use as the peak side.
    genome : str, optional
        hg38, hg19 or mm10 (embedded annotation); defaults to the comparison's genome.
    gtf : str or Path, optional
        User annotation (wins over the embedded one).
    params : IntegrationParams, optional
        Cutoffs and link rule (defaults: |log2FC| > 1, padj < 0.05, nearest gene).
    integration_id : str, optional
        Defaults to a hash of the inputs and parameters.
    atac_columns, rna_columns : dict, optional
        ``role -> column`` overrides of the auto-detected columns.
    staged : bool
        Write the rows under ``staged_id(integration_id)`` (see
        :mod:`chromdiff.integration.staging`): the pipeline publishes them at the very end,
        so the previous rows of ``integration_id`` stay until the whole run has succeeded.
    keep_qc_excluded : bool
        With ``comparison``: keep its regions on the chromosomes its QC says to exclude from
        interpretation (:mod:`chromdiff.integration.comparison_qc`; left out by default).

    Returns
    -------
    dict
        ``integration_id``, ``staged_id`` (the id the rows were written under), ``annotation_id``,
        row counts, the reader ``notes`` and the ``warnings`` (the comparison's failed QC, its
        major findings and what they excluded), each ``"peaks: ..."`` or ``"RNA: ..."``.

    Raises
    ------
    InputError
        Any bad input; the integration's rows are left as they were.
    """
    params = (params or IntegrationParams()).validated()
    if (peaks is None) == (comparison is None):
        raise InputError("give exactly one peak side: a peak file (--atac) or --comparison ID")
    if integration_id is not None:
        check_user_id(integration_id)
    if peaks is not None:
        if keep_qc_excluded:
            raise InputError("--keep-qc-excluded applies to --comparison only")
        side = _peaks_from_file(con, peaks, params, atac_columns or {})
    else:
        side = _peaks_from_comparison(con, str(comparison), keep_qc_excluded)
        if genome is not None and genome != side["genome"]:
            raise InputError(
                f"--genome {genome} differs from comparison {comparison}'s genome {side['genome']}"
            )
        genome = side["genome"]
    n_peaks, n_dup_peaks = _dedupe_peaks(con)
    rna_info = read_table(con, rna, "rna", "_int_rna_raw", overrides=rna_columns or {})
    type_genes(con, rna_info)
    rna_orientation = orientation_note(con, rna_info, "rna")
    if gtf is None:
        check_embedded(genome)
    annotation_id = ensure_annotation(con, genome=genome, gtf=gtf)
    counts = _resolve_some_genes(con, rna, annotation_id)
    notes = side.get("notes", []) + _peak_notes(con, side["present"])
    missing = [c for c in ("logfc", "padj") if c not in side["present"]]
    if missing:  # a plain peak file: say why every pair is 'Other' and r is NA
        notes.append(
            (
                "peaks",
                "no_differential_columns",
                n_peaks,
                None,
                f"the peak side has no {' or '.join(missing)} column: no peak is significant, "
                "so every pair is 'Other' and the correlations are empty; the links, the "
                "peak annotation and BETA's regulatory potential (all peaks count as bound) "
                "still hold. Give a differential table (or --atac-columns logfc=COL,padj=COL) "
                "for the categories",
            )
        )
    max_stop = con.execute("select chrom, max(stop) from _int_peaks group by chrom").fetchall()
    past = past_end(con, "_int_peaks", dict(max_stop), genome)
    if past:
        notes.append(("peaks", "past_chrom_end", past[0], None, f"{past[1]} Linked as given."))
    notes += input_notes(con, "_int_rna", "rna", rna_info)
    if rna_orientation is not None:
        notes.append(rna_orientation)
    peak_orientation = next((n for n in notes if n[:2] == ("peaks", "orientation")), None)
    opposed = opposed_note(peak_orientation, rna_orientation)
    if opposed is not None:
        notes.append(opposed)
    n_noid, line = con.execute("select n, line from _int_rna_noid").fetchall()[0]
    if n_noid:
        column = rna_info.columns["gene"]
        notes.append(
            (
                "rna",
                "no_gene_id",
                n_noid,
                f"line {line}",
                f"{n_noid} rows with an empty gene ID in column {column} (NA, e.g. line {line}: "
                "a symbol mapIds could not map) left out",
            )
        )
    untested = not_tested_note(con, rna_info)
    if untested is not None:
        notes.append(untested)
    if n_dup_peaks:
        notes.append(
            (
                "peaks",
                "duplicate_rows",
                n_dup_peaks,
                None,
                f"{n_dup_peaks} duplicated peak rows dropped (same chrom, start, end)",
            )
        )
    if counts["duplicates"]:
        notes.append(
            (
                "rna",
                "duplicate_genes",
                counts["duplicates"],
                None,
                f"{counts['duplicates']} rows for genes already seen dropped "
                "(kept the row with the smallest padj)",
            )
        )
    by_name = con.execute(
        "select coalesce(symbol, input_id) from _int_rna_resolved "
        "where match_via in ('symbol', 'ambiguous_symbol')"
    ).fetchall()
    species = case_note([r[0] for r in by_name], annotation_id)
    if species:
        notes.append(("rna", "symbol_species", len(by_name), None, species))
    if "id_not_gene" in counts:
        notes.append(id_column_note(rna_info, counts))
    if counts.get("ambiguous_symbol"):
        notes.append(
            (
                "rna",
                "ambiguous_symbols",
                counts["ambiguous_symbol"],
                None,
                f"{counts['ambiguous_symbol']} genes matched by a symbol that {annotation_id} "
                "gives to several gene IDs (took the smallest ID; give an Entrez or gene ID "
                "column to be exact)",
            )
        )
    if counts["unmatched"]:
        notes.append(
            (
                "rna",
                "unmatched_genes",
                counts["unmatched"],
                None,
                f"{counts['unmatched']} genes not found in {annotation_id} (not linked)",
            )
        )
    keep = ["keep_qc_excluded"] if keep_qc_excluded else []  # other peaks: another default id
    integration_id = integration_id or params.digest(
        side["sha256"] or "", rna_info.sha256, str(genome), str(gtf), *keep
    )
    n_genes = counts["kept"]
    write_id = staged_id(integration_id) if staged else integration_id
    # --gtf without --genome (as the CLI allows): the build names the assembly ('gtf:<hash>');
    # integrations.genome is NOT NULL, and the insert failed after the annotation was loaded
    genome = genome or annotation_id
    _write(con, write_id, params, side, rna_info, genome, annotation_id, notes,
           (n_peaks, n_genes))  # fmt: skip
    for n in notes:
        logger.info("%s: %s", n[0], n[4])
    return {
        "integration_id": integration_id,
        "staged_id": write_id,
        "annotation_id": annotation_id,
        "genome": genome,
        "n_peaks": n_peaks,
        "n_genes": n_genes,
        "genes": counts,
        "notes": [side_note(n) for n in notes if not is_warning(n)],
        "warnings": [side_note(n) for n in notes if is_warning(n)],
    }


def side_note(note: tuple) -> str:
    """Return a ``(side, kind, n, example, message)`` note as ``"peaks: ..."`` / ``"RNA: ..."``."""
    return f"{'RNA' if note[0] == 'rna' else note[0]}: {note[4]}"


def _write(con, integration_id, params, side, rna_info, genome, annotation_id, notes, sizes):
    """Replace the integration's rows in one transaction (``sizes`` = (n_peaks, n_genes))."""
    with transaction(con):
        for table in integration_tables(con):  # every table keyed by integration_id
            con.execute(f"delete from {table} where integration_id = ?", [integration_id])
        p = asdict(params)
        con.execute(
            """insert into integrations (integration_id, title, genome, annotation_id,
                peaks_source, peaks_sha256, peaks_tool, peaks_columns, rna_source, rna_sha256,
                rna_tool, rna_columns, coordinate_base, link_rule, max_distance, atac_lfc,
                atac_padj, rna_lfc, rna_padj, simulated, status, chromdiff_version, n_peaks,
                n_genes)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded',
                    ?, ?, ?)""",
            [
                integration_id,
                p["title"],
                genome,
                annotation_id,
                side["source"],
                side["sha256"],
                side["tool"],
                json.dumps(side["columns"]),
                rna_info.source,
                rna_info.sha256,
                rna_info.tool,
                json.dumps(rna_info.columns),
                side["base"],
                p["link_rule"],
                p["max_distance"],
                p["atac_lfc"],
                p["atac_padj"],
                p["rna_lfc"],
                p["rna_padj"],
                p["simulated"],
                chromdiff.__version__,
                *sizes,
            ],
        )
        con.execute(
            """insert into int_peaks select ?, peak_id, chrom, start, stop, name, logfc, pvalue,
               padj, score, source_line from _int_peaks""",
            [integration_id],
        )
        con.execute(
            """insert into int_genes select ?, row_id, input_id, symbol, entrez, logfc, pvalue,
               padj, gene_id, gene_symbol, match_via, source_line from _int_rna_resolved""",
            [integration_id],
        )
        if notes:
            con.executemany(
                "insert into int_input_notes values (?, ?, ?, ?, ?, ?)",
                [(integration_id, *n) for n in notes],
            )


def _resolve_some_genes(con: duckdb.DuckDBPyConnection, rna, annotation_id: str) -> dict:
    """Resolve the DE table's genes (:func:`resolve_genes`); refuse it when none matches."""
    counts = resolve_genes(con, annotation_id)
    if counts["kept"] == counts["unmatched"]:
        example = con.execute("select input_id from _int_rna limit 3").fetchall()
        raise InputError(
            f"{rna}: none of the {counts['rows']} gene IDs (e.g. "
            f"{', '.join(r[0] for r in example)}) matched annotation {annotation_id}; map a "
            "symbol or Entrez column with --rna-columns symbol=COL or give a matching --gtf"
        )
    return counts


def check_embedded(genome: str | None) -> None:
    """Refuse a genome without an embedded annotation (the user must give ``--gtf``).

    Raises
    ------
    InputError
        ``genome`` is not one of :data:`EMBEDDED`.
    """
    if genome not in EMBEDDED:
        raise InputError(
            f"genome {genome!r} has no embedded annotation (have: {', '.join(EMBEDDED)}); "
            "give --gtf FILE"
        )


def preflight_comparison(db_path: str | Path, comparison_id: str) -> None:
    """Check ``--comparison`` in the database before Prefect starts (skipped when it is busy).

    Raises
    ------
    InputError
        The comparison is not in the database, or is a dmr comparison.
    """
    from chromdiff.warehouse.db import DatabaseBusyError, open_db

    if not Path(db_path).exists():
        raise InputError(f"comparison {comparison_id!r} is not in the database ({db_path})")
    try:
        con = open_db(db_path, read_only=True)
    except (DatabaseBusyError, duckdb.Error):  # another process writes it: the run checks
        return
    try:
        comparison_row(con, comparison_id)
    finally:
        con.close()


def preflight(
    *,
    rna: str | Path,
    peaks: str | Path | None = None,
    params: IntegrationParams | None = None,
    atac_columns: dict[str, str] | None = None,
    rna_columns: dict[str, str] | None = None,
    genome: str | None = None,
) -> None:
    """Read and check both files in a throw-away database (no file is written).

    The CLI calls it before starting Prefect, so bad input fails in a second with its
    one-line error; :func:`load_inputs` repeats the same checks inside the run. With an
    embedded ``genome`` the checks run in its read-only cached copy
    (:func:`~chromdiff.annotation.filecache.open_embedded`, work tables ``temp``), so a DE table
    whose genes match none of the annotation's is refused here too.
    """
    params = (params or IntegrationParams()).validated()
    if genome is not None:
        check_embedded(genome)
    con = None
    if genome in EMBEDDED:
        from chromdiff.annotation.filecache import open_embedded

        try:
            con = open_embedded(genome)
        except (OSError, duckdb.Error):  # no cache folder: the run checks the genes
            con = None
    checks_genes = con is not None
    if con is None:
        con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        if peaks is not None:
            _peaks_from_file(con, peaks, params, atac_columns or {})
        info = read_table(con, rna, "rna", "_int_rna_raw", overrides=rna_columns or {})
        type_genes(con, info)
        orientation_note(con, info, "rna")  # a table of several comparisons is refused here
        if checks_genes:
            _resolve_some_genes(con, rna, f"embedded:{genome}")
    finally:
        con.close()
