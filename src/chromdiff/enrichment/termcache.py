"""GREAT's per-term tables for the embedded GO, built once per input and kept in a cache file.

A comparison's enrichment runs GREAT against every GO term. Before counting a single region it
loads the propagated GO sets (~0.3 s for BP), builds each gene's regulatory domain and each
term's genome coverage, and maps symbols (~0.6 s). All of that depends only on its inputs:
the embedded GO files, the annotation build (its content fingerprint in
``annotation_sources.version``), the chromosome sizes, the term size limits, the domain rule's
options and the code that builds the tables. Those are hashed into a key and the tables
(:func:`~chromdiff.enrichment.great.prepare_terms`'s ``_cd_great``, ``_cd_dom``, ``_cd_tg``,
``_cd_terms``, ``_cd_sym``) are stored in ``<cache dir>/enrichment/great-<key>.duckdb``, written
under a temporary name and renamed into place. A later run with the same key copies them back
(~0.1 s) instead of building them; any change of an input, or of the code, gives a new key.
A cache file that cannot be written or read is skipped: the tables are built as before. A file
used is marked (its modification time), and writing one removes all but the :data:`KEEP` most
recently used (:func:`~chromdiff.annotation.filecache.prune_cache`): keys left by older GO files,
builds or code versions do not pile up.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from chromdiff.annotation import genesql, links
from chromdiff.annotation.filecache import cache_dir, mark_used, new_db_file, prune_cache
from chromdiff.enrichment import go, great
from chromdiff.enrichment.build_go import DATA_DIR as GO_DIR
from chromdiff.enrichment.build_go import PROVENANCE
from chromdiff.enrichment.sources import SetSource, go_source, load_sources

log = logging.getLogger(__name__)

#: Cache files kept (~9 MB each: three GO ontologies for a few genomes and size limits).
KEEP = 12

#: The temp tables kept, as :func:`~chromdiff.enrichment.great.prepare_terms` builds them.
TABLES = ("_cd_great", "_cd_dom", "_cd_tg", "_cd_terms", "_cd_sym")

#: The code that builds them: its source text is part of the key.
_BUILDERS = (
    go.load_go_sets,
    great.prepare_terms,
    great._domains,
    great._term_table,
    great._symbols,
    links.great_domains,
    links._great_genes,
    links._genes,
    genesql.gene_tss_sql,
    genesql.coding_genes_sql,
)


def cache_key(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    ontology: str,
    sizes: dict[str, int],
    min_size: int,
    max_size: int | None,
) -> str | None:
    """Return the key of these inputs (None: no recorded annotation version, or no source)."""
    row = con.execute(
        "select version from annotation_sources where annotation_id = ?", [annotation_id]
    ).fetchall()
    if not row or not row[0][0]:
        return None
    h = hashlib.sha256()
    for part in (annotation_id, row[0][0], ontology.upper(), min_size, max_size,
                 sorted(sizes.items()), PROVENANCE.get("version")):  # fmt: skip
        h.update(repr(part).encode() + b"\0")
    try:
        for fn in _BUILDERS:
            h.update(inspect.getsource(fn).encode())
        h.update(genesql.MITO_CODING.encode())  # a constant the builders read, not their text
    except (OSError, TypeError):  # no source files (a bytecode-only install): no cache
        return None
    for path in sorted(GO_DIR.glob("*.parquet")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:20]


def _load(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Copy the tables of cache file ``path`` into temp tables; False when it cannot."""
    if not path.exists():
        return False
    literal = str(path).replace("'", "''")
    try:
        con.execute(f"attach '{literal}' as _cd_termcache (read_only)")
    except duckdb.Error as exc:
        log.info("GREAT term cache %s not used: %s", path, exc)
        return False
    try:
        for t in TABLES:
            con.execute(f"create or replace temp table {t} as from _cd_termcache.main.{t}")
        mark_used(path)
        return True
    except duckdb.Error as exc:  # an incomplete or foreign file: build the tables instead
        log.info("GREAT term cache %s not used: %s", path, exc)
        great.drop_terms(con)
        return False
    finally:
        con.execute("detach _cd_termcache")


def _save(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Write the temp tables to cache file ``path`` (temporary name, then renamed)."""
    try:
        with new_db_file(path) as tmp:
            literal = tmp.replace("'", "''")
            con.execute(f"attach '{literal}' as _cd_termsave")
            try:
                for t in TABLES:
                    con.execute(f"create table _cd_termsave.main.{t} as from {t}")
            finally:
                con.execute("detach _cd_termsave")
    except (OSError, duckdb.Error) as exc:
        log.info("GREAT term cache not written: %s", exc)
        return
    prune_cache(path.parent, "great-*.duckdb", KEEP, spare=path)


def term_jobs(
    con: duckdb.DuckDBPyConnection,
    ontologies: tuple[str, ...],
    gmt: str | Path | None,
    *,
    use_go: bool,
) -> list[tuple[str | None, SetSource]]:
    """Return the (GO ontology, source) and (None, GMT source) pairs of a GREAT run, in order.

    The GMT file is loaded here; a GO ontology's sets are loaded by :func:`prepared_terms` when
    needed (not at all when its tables are in the cache).
    """
    jobs: list[tuple[str | None, SetSource]] = [
        (ont.upper(), go_source(ont)) for ont in (ontologies if use_go else ())
    ]
    return jobs + [(None, src) for src in load_sources(con, (), gmt, use_go=False)]


@contextmanager
def prepared_terms(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    ontology: str | None,
    source: SetSource,
    sizes: dict[str, int],
    *,
    min_size: int,
    max_size: int | None,
) -> Iterator[SetSource]:
    """Yield a :func:`term_jobs` pair's source with ``prepare_terms``' tables in place.

    For ``great(..., prepared=True)`` calls with the same ``min_size``/``max_size`` and default
    domain options. A GO ontology's tables come from the cache file of their key when there is
    one, else its sets are loaded and the tables built (and the file written); a GMT's are
    built. They are dropped when the block ends.
    """
    path = None
    if ontology is not None:
        key = cache_key(con, annotation_id, ontology, sizes, min_size, max_size)
        path = cache_dir() / "enrichment" / f"great-{key}.duckdb" if key else None
    try:
        if path is None or not _load(con, path):
            if ontology is not None:
                go.load_go_sets(con, ontology, source.table)
            great.prepare_terms(
                con, annotation_id, source.table, sizes, min_size=min_size, max_size=max_size
            )
            if path is not None:
                _save(con, path)
        yield source
    finally:
        great.drop_terms(con)
        if ontology is not None:
            con.execute(f"drop table if exists {source.table}")
