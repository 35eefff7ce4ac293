"""A read-only DuckDB file per embedded build, holding its tables and derived tables.

``chromdiff annotate --regions`` without ``--db`` used to load the embedded Parquet files into an
in-memory database and derive the engine's tables (:mod:`chromdiff.annotation.cache`) on every
run (~0.6 s). They are now built once into ``<cache dir>/annotation/<genome>-<key>.duckdb`` and
opened read-only (~0.04 s). ``key`` hashes the build's Parquet bytes, the derived-table layout
(:data:`~chromdiff.annotation.cache.CACHE_VERSION`), the provenance and the annotation schema
file, so a rebuilt Parquet, a new layout or a schema change gets a new file; a file is written
under a temporary name and renamed into place, so concurrent first runs are safe. Hashing ~3 MB
of Parquet costs ~10 ms a run, so the key is memoised in ``<genome>.key`` beside the cache
files, under a stamp of those inputs' paths, sizes, modification times and inodes (plus the
layout version and provenance): a reinstalled or edited input changes its stamp and the key is
hashed again from the bytes (:func:`_key`). Cache dir:
``$CHROMDIFF_CACHE_DIR``, else ``$XDG_CACHE_HOME/chromdiff``, else ``~/.cache/chromdiff``.

Every new key (a new build, layout or schema) writes a new file, so the folder would grow with
each upgrade: a file's modification time marks its last use (:func:`mark_used`), and writing a
file removes all but the :data:`KEEP_BUILDS` most recently used of its genome
(:func:`prune_cache`; the GREAT term cache does the same).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chromdiff.annotation.cache import CACHE_VERSION, DERIVED, SCHEMA, with_stats
from chromdiff.annotation.embedded import DATA_DIR, PROVENANCE
from chromdiff.duckcore import duckdb

#: Name under which :func:`attached_tables` attaches a cache file to a warehouse connection.
ALIAS = "_cd_embedded"

#: Cache files kept per genome (the most recently used; older builds' files are removed).
KEEP_BUILDS = 3


def mark_used(path: Path) -> None:
    """Set ``path``'s modification time to now: its last use, for :func:`prune_cache`."""
    try:
        os.utime(path)
    except OSError:  # a read-only cache folder, or removed meanwhile: nothing to mark
        pass


def prune_cache(folder: Path, pattern: str, keep: int, *, spare: Path) -> list[Path]:
    """Remove all but the ``keep`` most recently used files of ``folder`` matching ``pattern``.

    Parameters
    ----------
    folder : Path
        A cache folder.
    pattern : str
        Glob of one family of cache files (``hg38-*.duckdb``); hidden files (a file being
        written under its temporary name) never match.
    keep : int
        How many to keep, by modification time (see :func:`mark_used`).
    spare : Path
        The file just written or used: never removed.

    Returns
    -------
    list of Path
        The files removed. A file that cannot be removed (another process removed it first, a
        read-only folder) is left alone; a process that has one open keeps reading it (the
        data stay until it is closed).
    """

    def last_use(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    try:
        files = sorted(folder.glob(pattern), key=last_use, reverse=True)
    except OSError:
        return []
    removed = []
    for path in [p for p in files if p != spare][max(keep - 1, 0) :]:
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


@contextmanager
def new_db_file(path: Path) -> Iterator[str]:
    """Yield a temporary path beside ``path`` for DuckDB to create a database file at.

    When the block ends without an error the file is renamed to ``path`` (a reader never sees
    half a file, and concurrent writers of one key are safe); either way nothing is left under
    the temporary name (nor its ``.wal``). Raises OSError when the folder cannot be written.
    """
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB creates the file itself
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)


def cache_dir() -> Path:
    """Directory of chromdiff's file caches (see the module docstring)."""
    env = os.environ.get("CHROMDIFF_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "chromdiff"


def _inputs(genome: str) -> list[Path]:
    """Return the files whose bytes make the cache key (annotation schema, the Parquet)."""
    from chromdiff.warehouse.sqlfiles import schema_files

    files = [p for p in schema_files() if p.name.startswith("010_")]
    return files + [DATA_DIR / f"{genome}_{t}.parquet" for t in ("genes", "transcripts", "exons")]


def _key_from_bytes(genome: str, files: list[Path]) -> str:
    import hashlib

    h = hashlib.sha256(f"v{CACHE_VERSION} {PROVENANCE[genome]!r}".encode())
    for path in files:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _key(genome: str, folder: Path) -> str:
    """Key of ``genome``'s cache file: memoised in ``folder/<genome>.key`` (module docstring)."""
    files = _inputs(genome)
    stamp = f"v{CACHE_VERSION} {PROVENANCE[genome]!r}"
    for path in files:
        st = path.stat()
        stamp += f" {path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
    memo = folder / f"{genome}.key"
    try:
        old_stamp, key = memo.read_text().split("\n")[:2]
        if old_stamp == stamp and len(key) == 16:
            return key
    except (OSError, ValueError):
        pass
    key = _key_from_bytes(genome, files)
    import tempfile  # (imports only paid when the key is hashed or the cache is built)

    try:  # written under a temporary name and renamed: a reader never sees half a memo
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{genome}-", suffix=".key", dir=folder)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{stamp}\n{key}\n")
        os.replace(tmp, memo)
    except OSError:
        pass  # no writable cache folder: hash again next time
    return key


def embedded_db(genome: str) -> Path:
    """Return the cache file of embedded build ``genome``, building it on first use."""
    folder = cache_dir() / "annotation"
    path = folder / f"{genome}-{_key(genome, folder)}.duckdb"
    if path.exists():
        mark_used(path)
        return path
    from chromdiff.annotation.cache import derived_tables
    from chromdiff.annotation.load import ensure_annotation

    with new_db_file(path) as tmp:
        con = duckdb.connect(tmp)
        try:
            derived_tables(con, ensure_annotation(con, genome=genome))
            con.execute("checkpoint")
        finally:
            con.close()
    prune_cache(folder, f"{genome}-*.duckdb", KEEP_BUILDS, spare=path)
    return path


def open_embedded(genome: str) -> duckdb.DuckDBPyConnection:
    """Open the cache file of ``genome`` read-only (work tables must be ``temp`` tables)."""
    return duckdb.connect(str(embedded_db(genome)), read_only=True)


@contextmanager
def attached_tables(
    con: duckdb.DuckDBPyConnection, genome: str, annotation_id: str
) -> Iterator[dict[str, str | None] | None]:
    """Attach the cache file of ``genome`` read-only to ``con``; yield its derived tables.

    A warehouse annotating its regions with the embedded build would otherwise derive the
    engine's tables itself (~1 s for hg38, and ~40 MB in the warehouse file). Within the block
    the file is attached as :data:`ALIAS` and the yielded mapping (as
    :func:`~chromdiff.annotation.cache.derived_tables` returns it) names its tables: the same
    rows, derived by the same SQL from the same Parquet files. It is used only when the
    warehouse holds the current build of ``genome`` (``annotation_id`` is
    ``embedded:<genome>`` and its ``annotation_sources.version``, a fingerprint of the Parquet
    files, equals the file's) and the file has derived tables of the current layout; otherwise
    (a GTF, an older build still in the warehouse, no writable cache folder) the block gets
    None and nothing is attached, and the caller derives the tables in the warehouse as before.
    ``con`` must not be inside a transaction (ATTACH and DETACH commit on their own).
    """
    if annotation_id != f"embedded:{genome}" or genome not in PROVENANCE:
        yield None
        return
    try:
        literal = str(embedded_db(genome)).replace("'", "''")
        con.execute(f"attach '{literal}' as {ALIAS} (read_only)")
    except (OSError, duckdb.Error) as exc:  # no writable cache folder, an unreadable file
        import logging  # (not on the `annotate --regions` path)

        logging.getLogger(__name__).info("annotation cache file of %s not used: %s", genome, exc)
        yield None
        return
    try:
        row = con.execute(
            f"""select m.n_utrs, m.packed, m.bid
            from {ALIAS}.{SCHEMA}.meta m
            join {ALIAS}.main.annotation_sources f using (annotation_id)
            join annotation_sources w using (annotation_id)
            where annotation_id = ? and m.version = ? and f.version = w.version""",
            [annotation_id, CACHE_VERSION],
        ).fetchall()
        if not row:
            yield None
        else:
            names: dict[str, str | None] = {n: f"{ALIAS}.{SCHEMA}.{n}" for n in DERIVED}
            yield with_stats(names, *row[0])
    finally:
        con.execute(f"detach {ALIAS}")
