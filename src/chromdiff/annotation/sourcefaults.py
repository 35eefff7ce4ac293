"""Corrections of the embedded build for known faults of its public sources.

:mod:`chromdiff.annotation.build` joins UCSC refGene transcript spans (BETA 1.0.7) to Rsubread's
RefSeq exons. Both sources carry faults that must not reach the build (their README lists the
first ones; ``docs/annotation.md`` "Embedded annotations" gives the numbers for each rule):

* **Small-RNA split alignments.** refGene aligns some microRNA, snoRNA, snRNA, ... transcripts
  (a few hundred bases) in pieces over up to 945 kb; :func:`small_rna_sql` names them, and the
  build leaves out such a transcript spanning more than :data:`SMALL_RNA_MAX_SPAN`.

Every function works on temp tables of the build's connection (0-based half-open coordinates)
and keeps the build deterministic (set-based SQL, no order-dependent choice).
"""

from __future__ import annotations

import re

__all__ = [
    "SMALL_RNA_HOST",
    "SMALL_RNA_MAX_SPAN",
    "SMALL_RNA_SYMBOL",
    "is_small_rna",
    "small_rna_sql",
]

#: A microRNA, snoRNA, scaRNA, U snRNA, Y RNA, 7SK/7SL or BC1 transcript is a few hundred bases
#: (mm10 refGene: 90% of miRNA spans <= 119 bp); refGene also holds split alignments of some
#: over up to 945 kb (mm10 NR_039557 Mir5098: 479 kb across Itga6, whose gene TSS it moved
#: 372 kb; hg19 NR_106755 MIR548AZ: 508 kb over ESR2, whose TSS it moved 122 kb). Such a
#: transcript spanning more than this many bases is left out.
SMALL_RNA_MAX_SPAN = 5_000

#: Symbols of small-RNA genes (HGNC/MGI families, any suffix: MIR548AZ, MIR548F3, Mir669a-10,
#: MIRLET7A1, SNORD115-21, RNU6-71P, RNU5F-1, RNVU1-18, RNY1, RN7SK, Bc1). Host genes of such
#: RNAs end in ``HG`` (MIR17HG, MIR4435-2HG, Mir99ahg) and are not small: :data:`SMALL_RNA_HOST`.
SMALL_RNA_SYMBOL = (
    r"^(?i)(mir(let)?\d+[0-9a-z]*(-[0-9a-z]+)*|snor[ad]\d+[0-9a-z]*(-[0-9a-z]+)*"
    r"|scarna\d+[0-9a-z]*|rnv?u\d+[0-9a-z]*(-[0-9a-z]+)*|rny\d[0-9a-z]*"
    r"|rn7s[kl][0-9a-z]*(-[0-9a-z]+)*|bc1)$"
)
#: A host gene of small RNAs (a long transcript; HGNC/MGI name them ``<RNA>HG``).
SMALL_RNA_HOST = r"(?i)hg$"

_SMALL = re.compile(SMALL_RNA_SYMBOL.replace("(?i)", ""), re.IGNORECASE)
_HOST = re.compile(SMALL_RNA_HOST.replace("(?i)", ""), re.IGNORECASE)


def small_rna_sql(column: str) -> str:
    """Return a SQL boolean: ``column`` names a small-RNA gene (false for NULL)."""
    return (
        f"(coalesce(regexp_matches({column}, '{SMALL_RNA_SYMBOL}'), false)"
        f" and not coalesce(regexp_matches({column}, '{SMALL_RNA_HOST}'), false))"
    )


def is_small_rna(symbol: str | None) -> bool:
    """Return True when ``symbol`` names a small-RNA gene (as :func:`small_rna_sql`)."""
    return bool(symbol) and bool(_SMALL.match(symbol)) and not _HOST.search(symbol)
