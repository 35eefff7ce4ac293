"""The peak-feature figures of an integration report say which peaks they show (audit 28, 5).

With no differential peak (cutoffs no peak passes, or a plain peak file) the two charts fall
back to every peak; they used to be titled and captioned "of the differential peaks" anyway.
"""

from __future__ import annotations

import pandas as pd
import pytest

from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.pipeline import run_integration
from chromdiff.integration.simulate import SimSpec, simulate

SMALL = SimSpec(n_genes=600, n_peaks=800, n_concordant=10, n_discordant=5)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("fig_in"), SMALL)


def _report(tmp_path, inputs, iid, **kwargs) -> tuple[str, str]:
    run_integration(tmp_path / "db.duckdb", out_dir=tmp_path / "out", rna=inputs["rna"],
                    genome="hg38", integration_id=iid, **kwargs)  # fmt: skip
    folder = tmp_path / "out" / iid
    svg = (folder / "int_peak_features.svg").read_text()
    return (folder / "integration_report.md").read_text(), svg


def test_differential_peaks_are_labelled_as_such(tmp_path, inputs):
    atac = pd.read_csv(inputs["atac"], sep="\t")
    # the simulated file has peaks passing the default cutoffs (|log2FC| > 1, FDR < 0.05)
    assert ((atac["Fold"].abs() > 1) & (atac["FDR"] < 0.05)).any()
    md, svg = _report(tmp_path, inputs, "diff", peaks=inputs["atac"])
    assert "*Genomic features of the differential peaks (ChIPseeker categories).*" in md
    assert "all peaks" not in md and "differential peaks" in svg


@pytest.mark.parametrize("how", ["cutoff", "plain_bed"])
def test_all_peaks_are_labelled_when_none_is_differential(tmp_path, inputs, how):
    if how == "cutoff":  # no simulated |log2FC| reaches 50
        kwargs = {"peaks": inputs["atac"], "params": IntegrationParams(atac_lfc=50.0)}
        assert pd.read_csv(inputs["atac"], sep="\t")["Fold"].abs().max() < 50
    else:  # chrom, start, end only: nothing can be differential
        bed = tmp_path / "plain.bed"
        atac = pd.read_csv(inputs["atac"], sep="\t")
        atac.iloc[:, :3].to_csv(bed, sep="\t", header=False, index=False)
        kwargs = {"peaks": bed}
    md, svg = _report(tmp_path, inputs, how, **kwargs)
    assert "of the differential peaks" not in md and "differential peaks" not in svg.replace(
        "none differential", ""
    )
    caption = "*Distance to TSS of all peaks (none differential at the cutoffs) (upstream"
    assert caption in md
    assert "all peaks (none differential at the cutoffs)" in svg
