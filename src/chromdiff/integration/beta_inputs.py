"""Inputs of the BETA mode: BETA's own RefSeq tables, the peak file and the DE table, in file order.

The RefSeq tables are BETA 1.0.7's (``BETA_1.0.7/BETA/references/{hg19,hg38,mm10}.refseq``,
MIT, ``data/beta/LICENSE.BETA.txt``), shipped byte for byte as ``data/beta/*.refseq.xz``: the
embedded annotation is rebuilt by other rules (genes split into loci, Entrez IDs), so the BETA
mode never depends on it. Peak and DE files go through the same readers as every integration
(gzip, headers, one-line errors naming file, line and column).
"""

from __future__ import annotations

import logging
import lzma
from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.beta_mode import Peak, Transcript
from chromdiff.integration.columns import RNA_ROLES, norm
from chromdiff.integration.readers import read_table, sha256_of
from chromdiff.integration.validate import type_genes, type_peaks
from chromdiff.regions.layout import layout
from chromdiff.regions.reader import auto_base

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "beta"
#: Genomes whose BETA RefSeq table is shipped (BETA also has hg18 and mm9: use --reference).
GENOMES = ("hg19", "hg38", "mm10")

logger = logging.getLogger(__name__)


def reference_path(genome: str | None, reference: str | Path | None) -> Path:
    """Return the RefSeq table: ``reference`` (BETA's ``-r``) or BETA's of ``genome``."""
    if reference is not None:
        path = Path(reference)
        if not path.is_file():
            raise InputError(f"{path}: no such file (--reference)")
        return path
    if genome not in GENOMES:
        raise InputError(
            f"--method beta: no BETA RefSeq table for genome {genome!r} (shipped: "
            f"{', '.join(GENOMES)}); give BETA's 6-column table with --reference"
        )
    return DATA_DIR / f"{genome}.refseq.xz"


def read_reference(path: Path) -> list[Transcript]:
    """Read a BETA RefSeq table: name, chrom, strand, txStart, txEnd, name2.

    As ``PScore.py:171-184`` reads it.

    Lines starting with ``#`` and empty lines are skipped; file order is kept.
    """
    with open(path, "rb") as fh:
        magic = fh.read(6)
    opener = lzma.open if magic.startswith(b"\xfd7zXZ") else open
    if magic.startswith(b"\x1f\x8b"):
        import gzip

        opener = gzip.open
    out: list[Transcript] = []
    with opener(path, "rt") as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith("#") or not line.strip():
                continue
            f = line.strip().split("\t")
            try:
                out.append(Transcript(f[0], f[1], f[2], int(f[3]), int(f[4]), f[5]))
            except (IndexError, ValueError):
                raise InputError(
                    f"{path}: line {n}: expected 6 tab-separated columns name, chrom, strand, "
                    "txStart, txEnd, name2 (BETA's RefSeq table)"
                ) from None
            if f[2] not in ("+", "-"):
                raise InputError(f"{path}: line {n}: strand {f[2]!r} is not + or -")
    if not out:
        raise InputError(f"{path}: no transcripts")
    return out


def read_peaks(
    con: duckdb.DuckDBPyConnection, path: str | Path, overrides: dict | None = None
) -> tuple[list[Peak], dict]:
    """Peaks in file order with BETA's score (column 5 of a BED; 1.0 for a 3-column BED).

    BETA turns a 3-column BED into 5 columns named ``unknown_peak_<n>`` with score 1.0
    (``fileformat_check.py:28-32``), so the top ``--pn`` are then the first ``--pn`` lines.
    A headed table (MACS, DiffBind) uses its detected ``score`` column; 1-based tables (see
    :func:`~chromdiff.regions.reader.auto_base`) are made 0-based first, as for every
    integration.
    """
    info = read_table(con, path, "peaks", "_beta_peaks_raw", overrides=overrides)
    base = auto_base(info.tool, info.header)
    table = type_peaks(con, info, base)
    has_score = "score" in info.columns
    rows = con.execute(
        f"select chrom, start, stop, name, score, source_line from {table} order by source_line"
    ).fetchall()
    peaks = []
    for i, (chrom, start, stop, name, score, line) in enumerate(rows):
        if has_score and score is None:
            raise InputError(
                f"{path}: line {line}, column {info.columns['score']!r}: the score is missing "
                "(BETA ranks peaks by it)"
            )
        peaks.append(
            Peak(
                chrom,
                int(start),
                int(stop),
                name or f"unknown_peak_{i}",
                float(score) if has_score else 1.0,
            )
        )
    meta = {
        "source": str(path),
        "sha256": info.sha256,
        "score_column": info.columns.get("score"),
        "base": base,
    }
    return peaks, meta


def _symbol_column(path: str | Path) -> str | None:
    """Return the gene-symbol column of a text table (None for Parquet or none)."""
    try:
        _, _, names, has_header = layout(Path(path), "rna")
    except InputError:
        return None
    wanted = {norm(c) for c in RNA_ROLES["symbol"]}
    return next((n for n in names if has_header and norm(n) in wanted), None)


def read_de(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    overrides: dict | None = None,
    *,
    gname2: bool = False,
) -> tuple[list[tuple[str, float | None, float | None]], dict]:
    """DE rows in file order as (ID, logFC, FDR): BETA's ``--info`` columns 1,2,6 for limma.

    The ID is the detected ``gene`` column (with ``gname2``, a gene-symbol column when there is
    one), the status the ``logfc`` column, the FDR the ``padj`` column; ``--rna-columns
    gene=...`` overrides. Rows whose ID starts with ``AFFX`` are skipped, as BETA does
    (``expr_combine.py:60``).
    """
    overrides = dict(overrides or {})
    if gname2 and "gene" not in overrides and (sym := _symbol_column(path)) is not None:
        overrides["gene"] = sym
    info = read_table(con, path, "rna", "_beta_rna_raw", overrides=overrides)
    missing = [r for r in ("gene", "logfc", "padj") if r not in info.columns]
    if missing:
        raise InputError(
            f"{path}: --method beta needs an ID, a logFC and an FDR column; no "
            f"{'/'.join(missing)} column found (name it with --rna-columns role=column)"
        )
    table = type_genes(con, info, untested_as_na=False)  # BETA reads every row as written
    n_noid, line = con.execute("select n, line from _int_rna_noid").fetchall()[0]
    if n_noid:  # BETA would look "NA" up as an ID and find nothing
        logger.warning(
            "%s: %d rows with an empty gene ID in column %s (NA, e.g. line %d) left out",
            path, n_noid, info.columns["gene"], line,
        )  # fmt: skip
    rows = con.execute(
        f"select input_id, logfc, padj from {table} where not starts_with(input_id, 'AFFX') "
        "order by source_line"
    ).fetchall()
    n_na_fdr = sum(1 for _, lfc, q in rows if lfc is not None and q is None)
    meta = {
        "source": str(path),
        "sha256": info.sha256,
        "columns": {r: info.columns[r] for r in ("gene", "logfc", "padj")},
        "n_rows": len(rows),
        "n_affx": info.n_rows - len(rows) - n_noid,
        "n_na_fdr": n_na_fdr,
    }
    return [(str(i), lfc, q) for i, lfc, q in rows], meta


def boundary_path(genome: str | None, bf: str | Path | None) -> Path:
    """Return the boundary BED of ``--bl``: ``--bf`` or BETA's hg19 CTCF sites (PScore.py:24-32)."""
    if bf is not None:
        path = Path(bf)
        if not path.is_file():
            raise InputError(f"{path}: no such file (--bf)")
        return path
    if genome != "hg19":
        raise InputError(
            f"--bl: BETA ships CTCF boundaries for hg19 (and mm9) only, not {genome!r}; "
            "give a boundary BED with --bf"
        )
    return DATA_DIR / "hg19_CTCF_bound.bed.xz"


def read_boundaries(path: Path) -> dict[str, tuple[list[int], list[int]]]:
    """CTCF sites per chromosome as (sorted starts, sorted ends) (``PScore.py:113-131``).

    BETA reads 6 columns (chrom, start, end, name, score, strand) and uses start and end;
    ``#`` and empty lines are skipped. chromdiff needs the first 3.
    """
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    with open(path, "rb") as fh:
        xz = fh.read(6).startswith(b"\xfd7zXZ")
    with lzma.open(path, "rt") if xz else open(path) as fh:
        for n, line in enumerate(fh, start=1):
            if line.startswith("#") or not line.strip():
                continue
            f = line.strip().split("\t")
            try:
                s, e = int(f[1]), int(f[2])
            except (IndexError, ValueError):
                raise InputError(
                    f"{path}: line {n}: expected chrom, start, end (tab-separated integers)"
                ) from None
            starts.setdefault(f[0], []).append(s)
            ends.setdefault(f[0], []).append(e)
    return {c: (sorted(starts[c]), sorted(ends[c])) for c in starts}


def reference_meta(path: Path, genome: str | None) -> dict:
    """Name and SHA-256 of the RefSeq table used."""
    shipped = path.parent == DATA_DIR
    return {
        "reference": f"BETA 1.0.7 {genome}.refseq" if shipped else str(path),
        "reference_sha256": sha256_of(path),
    }
