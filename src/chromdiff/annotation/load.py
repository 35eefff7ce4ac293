"""Load gene models into the ``ann_*`` tables once: embedded builds or a user GTF."""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import duckdb

from chromdiff.annotation.cache import derived_tables
from chromdiff.annotation.embedded import DATA_DIR, PROVENANCE
from chromdiff.annotation.gtf import GTF_RULES_VERSION, load_gtf
from chromdiff.errors import InputError
from chromdiff.warehouse.db import transaction

#: Genomes with an embedded annotation.
EMBEDDED = tuple(PROVENANCE)


logger = logging.getLogger(__name__)


def _ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    from chromdiff.warehouse.sqlfiles import schema_files

    for path in schema_files():
        if path.name.startswith("010_"):
            con.execute(path.read_text())


def _needs_load(con: duckdb.DuckDBPyConnection, annotation_id: str, version: str) -> bool:
    """Tell whether the build must be (re)loaded: absent, or stored as another ``version``.

    A replaced build keeps its annotation_id, so a database first annotated with an older
    chromdiff gets the current gene models (embedded files, GTF rules) on its next run.
    """
    row = con.execute(
        "select version from annotation_sources where annotation_id = ?", [annotation_id]
    ).fetchall()
    return not row or row[0][0] != version


#: The tables holding one annotation build's rows.
_ANN_TABLES = (
    "annotation_sources", "ann_genes", "ann_transcripts", "ann_exons", "ann_tx_exons", "ann_utrs",
    "ann_coding_genes",
)  # fmt: skip


def _drop_build(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    """Delete every row of one build (inside the caller's transaction)."""
    for table in _ANN_TABLES:
        con.execute(f"delete from {table} where annotation_id = ?", [annotation_id])


def _file_id(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _embedded_files(genome: str) -> dict[str, Path]:
    return {t: DATA_DIR / f"{genome}_{t}.parquet" for t in ("genes", "transcripts", "exons")}


def _embedded_version(genome: str) -> str:
    """Return the version recorded for an embedded build: sources + content fingerprint."""
    files = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in _embedded_files(genome).values()
    )
    return _fingerprint(genome, files)


@functools.lru_cache(maxsize=16)
def _fingerprint(genome: str, files: tuple) -> str:
    h = hashlib.sha256()
    for path, *_ in files:
        h.update(_file_id(Path(path)).encode())
    return f"{PROVENANCE[genome][1]} files:{h.hexdigest()[:16]}"


def _load_embedded(con: duckdb.DuckDBPyConnection, genome: str, annotation_id: str) -> None:
    files = _embedded_files(genome)
    _drop_build(con, annotation_id)
    for table, path in files.items():
        con.execute(
            f"insert into ann_{table} select ?, * from read_parquet(?)", [annotation_id, str(path)]
        )
    source, _, licence = PROVENANCE[genome]
    version = _embedded_version(genome)
    n = [
        con.execute(f"select count(*) from read_parquet('{files[t]}')").fetchall()[0][0]
        for t in ("genes", "transcripts", "exons")
    ]
    con.execute(
        "insert into annotation_sources (annotation_id, genome, kind, source, version, licence,"
        " n_genes, n_transcripts, n_exons, n_utrs) values (?, ?, 'embedded', ?, ?, ?, ?, ?, ?, 0)",
        [annotation_id, genome, source, version, licence, *n],
    )


def ensure_annotation(
    con: duckdb.DuckDBPyConnection, genome: str | None = None, gtf: str | Path | None = None
) -> str | None:
    """Load the embedded build of ``genome`` or the user ``gtf`` once; return its annotation_id.

    For a GTF, also builds (once, or after a layout change) the derived sorted/binned tables the
    engine reads, in schema ``annotation_cache`` (see :mod:`chromdiff.annotation.cache`). An
    embedded build's are built on first use by
    :func:`~chromdiff.annotation.cache.derived_tables` (the enrichment, for one, never reads
    them), and :func:`~chromdiff.annotation.annotate_comparison` reads them from the build's
    cache file (:func:`~chromdiff.annotation.filecache.attached_tables`) instead.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Read-write connection (the ``ann_*`` tables are created if missing).
    genome : str, optional
        ``hg38``, ``hg19`` or ``mm10`` for the embedded builds (id ``embedded:<genome>``).
    gtf : str or Path, optional
        A GTF file (gzipped or not); id ``gtf:<sha256 prefix of the file>``. Wins over ``genome``.

    Returns
    -------
    str or None
        The annotation_id, or None (with a logged warning) when ``genome`` has no
        embedded annotation.

    Raises
    ------
    InputError
        Neither argument given, or the GTF is unreadable (nothing is written in that case).
    """
    _ensure_tables(con)
    if gtf is not None:
        path = Path(gtf)
        if not path.exists():
            raise InputError(f"{path}: GTF file not found")
        annotation_id = f"gtf:{_file_id(path)}"
        if _needs_load(con, annotation_id, GTF_RULES_VERSION):
            with transaction(con):
                _drop_build(con, annotation_id)  # a build made with older rules is replaced
                counts = load_gtf(con, path, annotation_id)
                con.execute(
                    "insert into annotation_sources (annotation_id, genome, kind, source, version,"
                    " licence, n_genes, n_transcripts, n_exons, n_utrs)"
                    " values (?, ?, 'gtf', ?, ?, 'user supplied', ?, ?, ?, ?)",
                    [
                        annotation_id,
                        genome,
                        str(path.resolve()),
                        GTF_RULES_VERSION,
                        counts["genes"],
                        counts["transcripts"],
                        counts["exons"],
                        counts["utrs"],
                    ],
                )
                derived_tables(con, annotation_id)
        else:
            derived_tables(con, annotation_id)
        return annotation_id
    if genome is None:
        raise InputError("ensure_annotation needs a genome (hg38, hg19, mm10) or a GTF file")
    if genome not in EMBEDDED:
        logger.warning(
            "no embedded annotation for genome %r (have: %s); supply a GTF to annotate its regions",
            genome,
            ", ".join(EMBEDDED),
        )
        return None
    annotation_id = f"embedded:{genome}"
    if _needs_load(con, annotation_id, _embedded_version(genome)):
        with transaction(con):
            _load_embedded(con, genome, annotation_id)
    return annotation_id
