"""Derive a gene-symbol DE table from BETA's limma demo (for BETA's --gname2 path).

Each ``NM_/NR_..._at`` probe of ``AR_diff_expr.tsv.gz`` gets the symbol (name2) of the first
row of BETA's hg19 RefSeq table with that accession; probes without one are dropped. Output:
``#symbol``, ``logFC``, ``adj.P.Val`` (BETA's BSF layout, columns 1,2,3), tab-separated.
Used by BETA itself (run in tests/data/README.md) and by tests/test_beta_mode.py.
"""

from __future__ import annotations

import gzip
import lzma
import sys


def symbol_table(ar_path: str, refseq_xz: str) -> str:
    """Return the derived table's text."""
    first: dict[str, str] = {}
    with lzma.open(refseq_xz, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                f = line.rstrip("\n").split("\t")
                first.setdefault(f[0], f[5])
    out = ["#symbol\tlogFC\tadj.P.Val"]
    with gzip.open(ar_path, "rt") as fh:
        next(fh)
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if f[0].endswith("_at") and f[0][:-3] in first:
                out.append(f"{first[f[0][:-3]]}\t{f[1]}\t{f[5]}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(symbol_table(sys.argv[1], sys.argv[2]))
