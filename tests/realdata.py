"""Paths of the real public data copied into ``tests/data`` (provenance: ``tests/data/README.md``).

Tests read real files only from here, never from outside the repository, so a fresh clone with
nothing beside it runs every test.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
#: Real DE tables and peak files in the layouts users bring (DESeq2, limma, cuffdiff, MACS, …).
REAL = DATA / "real"
#: Real annotation files (GTF subsets, Ensembl and TxDb tables).
ANNOTATION = DATA / "annotation"
