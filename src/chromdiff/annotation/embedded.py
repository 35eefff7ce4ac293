"""Where the embedded annotation builds live and the provenance they are loaded with.

Built by :mod:`chromdiff.annotation.build` from the inputs named in ``SOURCES.json`` beside them.
"""

from __future__ import annotations

from pathlib import Path

GENOMES = ("hg38", "hg19", "mm10")
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "annotation"

#: Provenance recorded in ``annotation_sources`` when an embedded build is loaded.
PROVENANCE = {
    "hg38": (
        "UCSC refGene via BETA 1.0.7; Rsubread 2.12.2 RefSeq exons; Entrez IDs and symbols"
        " org.Hs.eg.db 3.16.0 (Entrez Gene 2022-09-12); loci split per transcript span; source"
        " faults corrected (annotation/sourcefaults.py)",
        "BETA-1.0.7/Rsubread-2.12.2/orgHsEgDb-3.16.0",
        "MIT / GPL-3+ / Artistic-2.0 packages; NCBI RefSeq + UCSC data public",
    ),
    "hg19": (
        "UCSC refGene via BETA 1.0.7; Rsubread 2.12.2 RefSeq exons; Entrez IDs and symbols"
        " org.Hs.eg.db 3.16.0 (Entrez Gene 2022-09-12); loci split per transcript span; source"
        " faults corrected (annotation/sourcefaults.py)",
        "BETA-1.0.7/Rsubread-2.12.2/orgHsEgDb-3.16.0",
        "MIT / GPL-3+ / Artistic-2.0 packages; NCBI RefSeq + UCSC data public",
    ),
    "mm10": (
        "UCSC refGene via BETA 1.0.7; Rsubread 2.12.2 RefSeq exons; loci split per transcript span;"
        " source faults corrected (annotation/sourcefaults.py)",
        "BETA-1.0.7/Rsubread-2.12.2",
        "MIT / GPL-3+ packages; NCBI RefSeq + UCSC data public",
    ),
}
