"""``integrate --comparison``: the comparison's QC comes along (audit 28, finding 3).

A hand-made diffbind result (5 vs 5 experiments) with a planted chrY sex confound: six chrY
regions near chrY genes, all significant and enriched in group A whose B counts are ~1% of A's
(the rule of ``qc_sex_chrom_sig``: >= 2 significant, >= 67% one way, depleted/enriched mean
< 10%), plus twelve autosomal regions near well-known genes with balanced counts. The
integration used to read ``regions_filtered`` and nothing else: the six chrY peaks linked to
DDX3Y, KDM5D, ... and no note said the comparison had failed QC.
"""

from __future__ import annotations

import pytest

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.errors import InputError
from chromdiff.integration.pipeline import run_integration
from chromdiff.warehouse import db
from chromdiff.warehouse import load as warehouse

A = [f"SRX{100 + i}" for i in range(5)]
B = [f"SRX{200 + i}" for i in range(5)]
#: gene -> (chrom, a TSS of the gene in hg38: the smallest of its refGene TSSs); the regions
#: are TSS ± 300 bp, so the nearest-gene rule links each to its gene.
CHRY = {"ZFY": ("chrY", 2934415), "USP9Y": ("chrY", 12701230),
        "DDX3Y": ("chrY", 12904107), "UTY": ("chrY", 13234825),
        "KDM5D": ("chrY", 19744938), "EIF1AY": ("chrY", 20575710)}  # fmt: skip
AUTOSOMAL = {"JUN": ("chr1", 58784112), "CDKN1A": ("chr6", 36676459),
             "VEGFA": ("chr6", 43770208), "ACTB": ("chr7", 5530600), "EGFR": ("chr7", 55019031),
             "MYC": ("chr8", 127736068), "GAPDH": ("chr12", 6534404),
             "KRAS": ("chr12", 25250930), "MDM2": ("chr12", 68808167),
             "FOS": ("chr14", 75278777), "TP53": ("chr17", 7687549),
             "BAX": ("chr19", 48954859)}  # fmt: skip


def _bed_rows() -> list[str]:
    rows = []
    for i, (chrom, tss) in enumerate(AUTOSOMAL.values()):  # balanced; every other one significant
        lfc, q = (2.0, 1e-4) if i % 2 else (0.1, 0.8)
        ma, mb = (80.0, 20.0) if i % 2 else (50.0, 47.0)
        rows.append((chrom, tss - 300, tss + 300, ma, mb, lfc, q / 10, q))
    for chrom, tss in CHRY.values():  # present in A (male), ~absent in B (female)
        rows.append((chrom, tss - 300, tss + 300, 100.0, 1.0, 6.6, 1e-9, 1e-8))
    return [
        f"{c}\t{s}\t{e}\t{','.join([f'{ma:.2f}'] * 5)}\t{','.join([f'{mb:.2f}'] * 5)}"
        f"\t{lfc}\t{p}\t{q}"
        for c, s, e, ma, mb, lfc, p, q in rows
    ]


@pytest.fixture(scope="module")
def confounded(tmp_path_factory):
    """A database holding comparison ``sexy`` and a DE table of its 18 genes (all up, padj 1e-5)."""
    tmp = tmp_path_factory.mktemp("cmpqc")
    bed = tmp / "result.bed"
    bed.write_text("\n".join(_bed_rows()) + "\n")
    path = tmp / "c.duckdb"
    spec = ComparisonSpec(A, B, genome="hg38", title="planted chrY confound").validated()
    with db.writer(path) as con:
        register(con, "sexy", spec, base_url="http://x/")
        warehouse.load_bed(con, "sexy", bed, "diffbind", A, B)
        findings = con.execute(
            "select check_name, severity from qc_findings where comparison_id = 'sexy'"
        ).fetchall()
    # the planted design fires the major chrY finding the integration must carry
    assert ("sex_chrom_confound_significant", "major") in findings, findings
    rna = tmp / "de.csv"
    rna.write_text(
        "symbol,log2FoldChange,padj\n" + "".join(f"{g},3.0,1e-5\n" for g in [*CHRY, *AUTOSOMAL])
    )
    return path, rna, tmp


def _rows(path, sql, iid):
    with db.connect(path, read_only=True) as con:
        return con.execute(sql, [iid]).fetchall()


def test_the_confounded_chromosome_is_left_out_and_the_verdict_is_a_warning(confounded):
    path, rna, tmp = confounded
    s = run_integration(path, rna=rna, comparison="sexy", integration_id="dflt",
                        out_dir=tmp / "out", rna_columns={"gene": "symbol"})  # fmt: skip
    chroms = _rows(path, "select distinct chrom from int_peaks where integration_id = ?", "dflt")
    assert sorted(c for (c,) in chroms) == sorted({c for c, _ in AUTOSOMAL.values()})
    assert s["n_peaks"] == len(AUTOSOMAL)
    linked = {g for (g,) in _rows(path, "select symbol from integration_pairs "
                                  "where integration_id = ?", "dflt")}  # fmt: skip
    assert linked and not linked & set(CHRY)
    notes = dict(_rows(path, "select kind, example from int_input_notes "
                       "where integration_id = ? and kind like 'qc%'", "dflt"))  # fmt: skip
    assert notes["qc_verdict"] == "fail" and notes["qc_excluded"] == "chrY"
    assert notes["qc_finding"] == "sex_chrom_confound_significant"
    n_excluded = _rows(path, "select n from int_input_notes where integration_id = ? "
                       "and kind = 'qc_excluded'", "dflt")  # fmt: skip
    assert n_excluded == [(len(CHRY),)]
    # the CLI's warnings, first, each naming its side; the report opens with them
    assert any(w.startswith("peaks: comparison sexy: QC verdict fail") for w in s["warnings"])
    assert any("6 peaks on chrY left out" in w and "--keep-qc-excluded" in w
               for w in s["warnings"])  # fmt: skip
    assert not any("QC verdict" in n for n in s["notes"])
    md = (tmp / "out" / "dflt" / "integration_report.md").read_text()
    assert md.index("## Comparison QC") < md.index("## Input notes") < md.index("## Concordance")
    assert "exclude chrY from interpretation" in md


def test_keep_qc_excluded_keeps_them_with_a_warning(confounded):
    path, rna, _ = confounded
    s = run_integration(path, rna=rna, comparison="sexy", integration_id="keep",
                        keep_qc_excluded=True, rna_columns={"gene": "symbol"})  # fmt: skip
    assert s["n_peaks"] == len(AUTOSOMAL) + len(CHRY)
    linked = {g for (g,) in _rows(path, "select symbol from integration_pairs "
                                  "where integration_id = ?", "keep")}  # fmt: skip
    assert set(CHRY) <= linked
    assert any("6 peaks on chrY kept (--keep-qc-excluded)" in w for w in s["warnings"])


def test_keep_qc_excluded_needs_a_comparison(confounded):
    path, rna, tmp = confounded
    bed = tmp / "p.bed"
    bed.write_text("chr1\t58783800\t58784400\n")
    with pytest.raises(InputError, match="applies to --comparison only"):
        run_integration(path, rna=rna, peaks=bed, genome="hg38", keep_qc_excluded=True,
                        rna_columns={"gene": "symbol"})  # fmt: skip
