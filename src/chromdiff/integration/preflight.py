"""Checks of an integration's inputs before Prefect starts, and the gene match both runs need."""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.annotation import EMBEDDED
from chromdiff.errors import InputError
from chromdiff.integration.identifiers import resolve_genes
from chromdiff.integration.orientation import orientation_note
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.peak_side import comparison_row, peaks_from_file
from chromdiff.integration.readers import read_table
from chromdiff.integration.validate import type_genes


def resolve_some_genes(con: duckdb.DuckDBPyConnection, rna, annotation_id: str) -> dict:
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
            peaks_from_file(con, peaks, params, atac_columns or {})
        info = read_table(con, rna, "rna", "_int_rna_raw", overrides=rna_columns or {})
        type_genes(con, info)
        orientation_note(con, info, "rna")  # a table of several comparisons is refused here
        if checks_genes:
            resolve_some_genes(con, rna, f"embedded:{genome}")
    finally:
        con.close()
