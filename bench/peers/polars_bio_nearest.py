"""Peer: nearest TSS with polars-bio, file -> TSV (run in the peers environment, see README).

Usage: python polars_bio_nearest.py REGIONS.bed TSS.bed OUT.tsv
Reads an unsorted headerless BED (chrom, start, end, name) and the TSS BED (chrom, t, t+1, .,
0, strand), finds each region's nearest TSS (k = 1, overlaps count, distance column) and writes
region, TSS, strand and distance as TSV: the work of ``chromdiff annotate --links nearest``
without gene names, as a user would script it.
"""

import sys

import polars as pl
import polars_bio as pb

regions_path, tss_path, out = sys.argv[1:4]
opts = {"separator": "\t", "has_header": False}
regions = pl.scan_csv(
    regions_path,
    **opts,
    new_columns=["chrom", "start", "end", "name"],
    schema_overrides={"start": pl.Int64, "end": pl.Int64},
)
tss = pl.scan_csv(
    tss_path,
    **opts,
    new_columns=["chrom", "start", "end", "dot", "score", "strand"],
    schema_overrides={"start": pl.Int64, "end": pl.Int64},
)
for lf in (regions, tss):
    lf.config_meta.set(coordinate_system_zero_based=True)
near = pb.nearest(regions, tss, output_type="polars.LazyFrame")
near.select("chrom_1", "start_1", "end_1", "name_1", "start_2", "strand_2", "distance").sink_csv(
    out, separator="\t"
)
