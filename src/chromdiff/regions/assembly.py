"""Regions that run past their chromosome's end: a sign of another assembly (or a broken file).

hg19 peaks annotated as hg38, or mouse peaks as human, get genes like any others and nothing
looks wrong; but a region beyond a chromosome's last base cannot be on that assembly. The ends
are the embedded chromosome sizes (UCSC chromInfo via GenomeInfoDb, chrM included), so the
check exists for the embedded genomes only.
"""

from __future__ import annotations

from chromdiff.annotation.chrnames import candidates
from chromdiff.duckcore import duckdb


def chrom_ends(genome: str | None) -> dict[str, int]:
    """Return ``{chrom: size}`` of ``genome``'s chromosomes (chrM included), ``{}`` if unknown."""
    from chromdiff.regions.chromsizes import DATA_DIR, chrom_sizes

    if not genome or not (DATA_DIR / f"{genome}.tab").is_file():
        return {}
    return chrom_sizes(genome, include_circular=True)


def overruns(max_stop: dict[str, int], genome: str | None) -> dict[str, int]:
    """Return ``{chrom: size}`` of the chromosomes whose largest ``stop`` passes their end.

    ``max_stop``: the largest ``stop`` per chromosome name (as the regions spell it); names are
    matched to the genome's as the annotation matches them (``21`` is ``chr21``). Empty when
    none overruns or the genome has no embedded sizes.
    """
    ends = chrom_ends(genome)
    over = {}
    for chrom, stop in max_stop.items():
        size = next((ends[c] for c in candidates(chrom) if c in ends), None)
        if size is not None and stop is not None and stop > size:
            over[chrom] = size
    return over


def overrun_sql(over: dict[str, int]) -> str:
    """Return a SQL condition true for the rows (``chrom, stop``) past the ends in ``over``."""
    quoted = {c.replace("'", "''"): size for c, size in over.items()}
    return " or ".join(f"(chrom = '{c}' and stop > {size})" for c, size in quoted.items())


def past_end(
    con: duckdb.DuckDBPyConnection, table: str, max_stop: dict[str, int], genome: str | None
) -> tuple[int, str] | None:
    """Count the regions of ``table`` (``chrom, start, stop``) past their chromosome's end.

    ``max_stop`` as :func:`overruns` takes it (the region reader has it), so the table is
    scanned only when some chromosome does overrun. Returns None when no region overruns or the
    genome has no embedded sizes, else ``(count, message)``.
    """
    over = overruns(max_stop, genome)
    if not over:
        return None
    cond = overrun_sql(over)
    n, total, example = con.execute(
        f"""select count(*) filter (where {cond}), count(*),
                   arg_min(chrom || ':' || (start + 1) || '-' || stop, (chrom, start))
                       filter (where {cond})
            from {table}"""
    ).fetchall()[0]
    chrom = example.split(":", 1)[0]
    return n, (
        f"{n:,} of {total:,} regions run past the end of their chromosome in {genome}, e.g. "
        f"{example} ({chrom} is {over[chrom]} bp): are they from another assembly?"
    )
