"""``annotate_comparison``: fill ``region_annotation`` for one comparison's regions."""

from __future__ import annotations

import duckdb

from chromdiff.annotation.annotate import annotated
from chromdiff.annotation.filecache import attached_tables
from chromdiff.annotation.load import ensure_annotation
from chromdiff.errors import InputError
from chromdiff.warehouse.db import transaction

_COLUMNS = (
    "annotation, feature, gene_id, symbol, gene_strand, gene_start, gene_stop, tss, "
    "distance_to_tss, nearest_label, annotation_id, tx_id, genic_gene_id, genic_symbol"
)


def annotate_comparison(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    annotation_id: str | None = None,
    *,
    flank: int = 5000,
    **options: object,
) -> int:
    """Annotate every region of ``comparison_id`` into ``region_annotation`` (replacing old rows).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Read-write connection with the schema applied.
    comparison_id : str
        The comparison.
    annotation_id : str, optional
        Defaults to the embedded annotation of the comparison's genome. Genomes without one
        log a warning and write nothing.
    flank : int
        Window of ``nearest_label`` distances (default 5 kb).
    **options
        Passed to :func:`~chromdiff.annotation.annotate.annotate_regions`.

    Returns
    -------
    int
        Rows written (0 when the genome has no annotation).
    """
    row = con.execute(
        "select genome from comparisons where comparison_id = ?", [comparison_id]
    ).fetchall()
    row = row[0] if row else None
    if row is None:
        raise InputError(f"unknown comparison {comparison_id!r}")
    genome = row[0]
    if annotation_id is None:
        annotation_id = ensure_annotation(con, genome=genome)
        if annotation_id is None:
            return 0
    cid = comparison_id.replace("'", "''")
    regions = (
        f"select region_id as region_key, chrom, start, stop from regions "
        f"where comparison_id = '{cid}'"
    )
    # an embedded build's derived tables are read from its cache file (None: from con)
    with (
        attached_tables(con, genome, annotation_id) as tables,
        annotated(con, regions, annotation_id, flank=flank, tables=tables, **options) as rows,
        transaction(con),
    ):
        con.execute("delete from region_annotation where comparison_id = ?", [comparison_id])
        return con.execute(
            f"""insert into region_annotation (comparison_id, region_id, {_COLUMNS})
            select ?, region_key, {_COLUMNS} from ({rows})""",
            [comparison_id],
        ).fetchall()[0][0]
