"""Chromosome sizes of the assembled molecules (GREAT's genome fractions, chromosome ends).

The files in ``src/chromdiff/data/chromsizes/`` are GenomeInfoDb 1.34.9's
``extdata/assembled_molecules_info/UCSC/<genome>.tab`` (Debian ``r-bioc-genomeinfodb``,
Artistic-2.0; UCSC chromInfo, public), copied unchanged: chrom, size, circular. GenomeInfoDb
names sacCer3's molecules but ships no sizes: ``sacCer3.tab`` holds UCSC sacCer3 (R64-1-1)
chromInfo as bioframe 0.8.0 ships it (``bioframe/io/data/sacCer3.seqinfo.tsv``, MIT; the
RefSeq NC_001133-NC_001148 and NC_001224 lengths), chrM marked circular.
"""

from __future__ import annotations

import csv
from pathlib import Path

from chromdiff.errors import InputError

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "chromsizes"
SOURCE = (
    "GenomeInfoDb 1.34.9 assembled_molecules_info/UCSC (Debian r-bioc-genomeinfodb); "
    "sacCer3: bioframe 0.8.0 sacCer3.seqinfo.tsv (UCSC chromInfo)"
)


def chrom_sizes(genome: str, *, include_circular: bool = False) -> dict[str, int]:
    """Return ``{chrom: size}`` of ``genome``'s assembled chromosomes (chrM left out by default).

    Raises
    ------
    InputError
        No embedded sizes for ``genome``.
    """
    path = DATA_DIR / f"{genome}.tab"
    if not path.is_file():
        have = ", ".join(sorted(p.stem for p in DATA_DIR.glob("*.tab")))
        raise InputError(f"no chromosome sizes for genome {genome!r} (embedded: {have})")
    with path.open(newline="") as fh:  # csv, not pandas: `annotate` checks ends at start-up
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {
        r["chrom"]: int(r["size"])
        for r in rows
        if include_circular or r["circular"].strip().upper() != "TRUE"
    }
