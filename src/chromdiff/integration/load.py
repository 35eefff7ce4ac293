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
from chromdiff.annotation import ensure_annotation
from chromdiff.annotation.symbolcase import case_note
from chromdiff.errors import InputError
from chromdiff.integration.comparison_qc import is_warning
from chromdiff.integration.identifiers import id_column_note
from chromdiff.integration.orientation import opposed_note, orientation_note
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.peak_side import (
    dedupe_peaks,
    peak_notes,
    peaks_from_comparison,
    peaks_from_file,
)
from chromdiff.integration.preflight import check_embedded, resolve_some_genes
from chromdiff.integration.readers import read_table
from chromdiff.integration.staging import check_user_id, integration_tables, staged_id
from chromdiff.integration.validate import input_notes, not_tested_note, type_genes
from chromdiff.regions.assembly import past_end
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
        side = peaks_from_file(con, peaks, params, atac_columns or {})
    else:
        side = peaks_from_comparison(con, str(comparison), keep_qc_excluded)
        if genome is not None and genome != side["genome"]:
            raise InputError(
                f"--genome {genome} differs from comparison {comparison}'s genome {side['genome']}"
            )
        genome = side["genome"]
    n_peaks, n_dup_peaks = dedupe_peaks(con)
    rna_info = read_table(con, rna, "rna", "_int_rna_raw", overrides=rna_columns or {})
    type_genes(con, rna_info)
    rna_orientation = orientation_note(con, rna_info, "rna")
    if gtf is None:
        check_embedded(genome)
    annotation_id = ensure_annotation(con, genome=genome, gtf=gtf)
    counts = resolve_some_genes(con, rna, annotation_id)
    notes = side.get("notes", []) + peak_notes(con, side["present"])
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
