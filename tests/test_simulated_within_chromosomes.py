"""Simulated data (fake server, demo integration inputs) never runs past a chromosome's end.

The fake server drew hg38 starts up to its rounded sizes (chr10 134 Mb; UCSC chr10 is
133,797,422 bp) and the demo's noise peaks sat up to 150 kb from a TSS unclipped: the quickstart
then warned "4 of 8,000 regions run past the end of their chromosome ... from another
assembly?" about its own data. The ends are UCSC chromInfo (src/chromdiff/data/chromsizes).
"""

from __future__ import annotations

import pandas as pd
import pytest

from chromdiff.regions.chromsizes import chrom_sizes


def _past(chroms, stops, genome: str) -> int:
    sizes = chrom_sizes(genome, include_circular=True)
    return sum(1 for c, s in zip(chroms, stops, strict=True) if c in sizes and s > sizes[c])


@pytest.mark.parametrize("genome", ["hg38", "mm10"])
def test_fake_server_regions_stay_inside_their_chromosomes(genome):
    from chromdiff.fakeapi.simulate import simulate_diffbind, simulate_dmr

    sim = simulate_diffbind(3, 3, 100_000, seed=7, genome=genome)
    assert _past(sim.chrom, sim.stop, genome) == 0 and (sim.start >= 0).all()
    dmr = simulate_dmr(50_000, genome=genome)
    assert _past(dmr["chrom"], dmr["stop"], genome) == 0 and (dmr["start"] >= 0).all()


def test_demo_integration_peaks_stay_inside_their_chromosomes(tmp_path):
    from chromdiff.integration.simulate import simulate

    files = simulate(tmp_path)
    atac = pd.read_csv(files["atac"], sep="\t")
    assert len(atac) > 1000
    assert _past(atac["seqnames"], atac["end"], "hg38") == 0 and (atac["start"] >= 1).all()
