"""Peer: nearest TSS with pyranges1, file -> TSV (run in the peers environment, see README).

Usage: python pyranges1_nearest.py REGIONS.bed TSS.bed OUT.tsv
The same work as ``polars_bio_nearest.py``: each region's nearest TSS (k = 1, first of ties,
distance signed by the TSS's strand, as ``bedtools closest -D b`` reports it), written as TSV.
"""

import sys

import pandas as pd
import pyranges1 as pr

regions_path, tss_path, out = sys.argv[1:4]
regions = pd.read_csv(
    regions_path, sep="\t", header=None, usecols=[0, 1, 2, 3],
    names=["Chromosome", "Start", "End", "Name"],
)  # fmt: skip
tss = pd.read_csv(
    tss_path, sep="\t", header=None, names=["Chromosome", "Start", "End", "Dot", "Score", "Strand"]
)
near = pr.PyRanges(regions).nearest_ranges(
    pr.PyRanges(tss), strand_behavior="ignore", ties="first", signed="other"
)
near[["Chromosome", "Start", "End", "Name", "Start_b", "Strand_b", "Distance"]].to_csv(
    out, sep="\t", index=False
)
