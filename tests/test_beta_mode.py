"""BETA mode (``integrate --method beta``) against BETA 1.0.7 itself, run on BETA's own demo.

The expected numbers were printed by BETA's own code (Python 3 with mechanical fixes only, and
R 4.2.2 for its KS test); the command lines, the patch list and the R wrapper that printed D and
p to 17 digits are in ``tests/data/README.md`` (section "BETA oracle"). The ranked targets are
BETA's own output files (``tests/data/beta_oracle/*target.txt.gz``).
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import shutil
import subprocess

import duckdb
import numpy as np
import pytest

from chromdiff.errors import InputError
from chromdiff.integration import beta_inputs
from chromdiff.integration.beta_ks import ks_greater
from chromdiff.integration.beta_mode import (
    BetaOptions,
    Peak,
    Transcript,
    clean_id,
    is_mangled,
    run_beta,
    score_transcripts,
)
from chromdiff.integration.beta_store import compute_beta, run_beta_integration
from chromdiff.warehouse.db import apply_schema
from tests.cli_run import run_cli
from tests.realdata import DATA, REAL

AR = REAL / "beta_AR_LNCaP_hg19"
ORACLE = DATA / "beta_oracle"

# (label, DE file, options) -> BETA's (n_group, n_background, D, p R 4.2.2, exp(-2nD^2)) per set
BETA_RUNS = {
    "demo --da 500": (
        "limma",
        dict(da=500),
        {
            "up": (482, 481, 0.43100473598398908, 0.0, 1.4262204208061893e-39),
            "down": (491, 481, 0.10519919888555321, 0.0046173688951828273, 0.0046173688951828429),
        },
        ["up"],
    ),
    "--da 0.05 --pn 3000 -d 50000": (
        "limma",
        dict(da=0.05, pn=3000, distance=50_000),
        {
            "up": (762, 810, 0.29964032273743557, 0.0, 2.3999697711230811e-31),
            "down": (933, 810, 0.078150926918343855, 0.0050104049031286513, 0.0050104049031286443),
        },
        ["up"],
    ),
    "--da 2000 --df 0.01": (
        "limma",
        dict(da=2000, df=0.01),
        {
            "up": (586, 584, 0.42580298284164758, 0.0, 8.6410481064823781e-47),
            "down": (594, 584, 0.11913080577464139, 0.00023437848084373325, 0.00023437848084369053),
        },
        ["up", "down"],
    ),
    "--da 40 --pn 1500 (exact KS)": (
        "limma",
        dict(da=40, pn=1500),
        {
            "up": (40, 37, 0.22094594594594597, 0.010208530488392986, 0.15310890297986046),
            "down": (40, 37, 0.12094594594594596, 0.11170709350041719, 0.56988533086082216),
        },
        [],
    ),
    "-k CUF --da 500 (no-change background)": (
        "cuffdiff",
        dict(da=500),
        {
            "up": (498, 495, 0.069818668613849319, 0.088900288588053211, 0.088900288588053197),
            "down": (493, 495, 0.053049767451390166, 0.24901365380943874, 0.24901365380943868),
        },
        [],
    ),
    "--da 500 --bl (hg19 CTCF boundaries)": (
        "limma",
        dict(da=500, boundary=True),
        {
            "up": (482, 481, 0.37712752650511988, 0.0, 1.8152200114803044e-30),
            "down": (491, 481, 0.068026980450605665, 0.1055247660029075, 0.10552476600290744),
        },
        ["up"],
    ),
    "--gname2 --da 300": (
        "symbols",
        dict(da=300, gname2=True),
        {
            "up": (155, 299, 0.40746574603517099, 1.8873791418627661e-15, 1.9001528544975707e-15),
            "down": (161, 299, 0.035833731485905379, 0.76433203293443408, 0.76433203293443408),
        },
        ["up"],
    ),
}


@pytest.fixture(scope="module")
def reference():
    return beta_inputs.read_reference(beta_inputs.reference_path("hg19", None))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    con = duckdb.connect()
    peaks, _ = beta_inputs.read_peaks(con, AR / "3656_peaks.bed.gz")
    spec = importlib.util.spec_from_file_location("mk", ORACLE / "make_symbol_table.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    sym = tmp_path_factory.mktemp("beta") / "AR_symbols.txt"
    sym.write_text(
        mk.symbol_table(
            str(AR / "AR_diff_expr.tsv.gz"), str(beta_inputs.DATA_DIR / "hg19.refseq.xz")
        )
    )
    files = {
        "limma": AR / "AR_diff_expr.tsv.gz",
        "cuffdiff": AR / "CUF_expr.diff.gz",
        "symbols": sym,
    }
    rows = {k: beta_inputs.read_de(con, f, gname2=(k == "symbols"))[0] for k, f in files.items()}
    return peaks, rows, files


_CACHE: dict = {}


def _run(reference, inputs, kind, opts):
    key = (kind, tuple(sorted(opts.items())))
    if key not in _CACHE:  # each BETA run is computed once per test session
        peaks, rows, _ = inputs
        bounds = None
        if opts.get("boundary"):
            bounds = beta_inputs.read_boundaries(beta_inputs.boundary_path("hg19", None))
        _CACHE[key] = run_beta(reference, peaks, rows[kind], BetaOptions(**opts), bounds)
    return _CACHE[key]


@pytest.mark.parametrize("label", list(BETA_RUNS))
def test_function_prediction_equals_beta(label, reference, inputs):
    kind, opts, expected, selected = BETA_RUNS[label]
    res = _run(reference, inputs, kind, opts)
    for grp, (n, nb, d, p_r, p_asym) in expected.items():
        k = res.ks[grp]
        assert (k.n_x, k.n_y) == (n, nb), grp
        assert k.d_statistic == pytest.approx(d, rel=1e-12, abs=0), grp
        # the exact distribution goes through lgamma (R's and Python's differ by ~1e-14)
        rel = 1e-10 if k.exact else 1e-12
        assert k.p_value_r == pytest.approx(p_r, rel=rel, abs=0), grp
        assert k.p_value_asymptotic == pytest.approx(p_asym, rel=1e-12, abs=0), grp
        assert k.p_value == (k.p_value_r if k.exact else k.p_value_asymptotic)
    assert res.selected == selected


def _beta_targets(name):
    with gzip.open(ORACLE / name, "rt") as fh:
        return [tuple(line.rstrip("\n").split("\t")) for line in fh][1:]


@pytest.mark.parametrize(
    ("label", "group", "fixture"),
    [
        ("demo --da 500", "up", "AR_da500_uptarget.txt.gz"),
        ("--da 2000 --df 0.01", "up", "AR_da2000_df0.01_uptarget.txt.gz"),
        ("--da 2000 --df 0.01", "down", "AR_da2000_df0.01_downtarget.txt.gz"),
        ("--gname2 --da 300", "up", "ARsym_gname2_da300_uptarget.txt.gz"),
        ("--da 500 --bl (hg19 CTCF boundaries)", "up", "AR_da500_bl_uptarget.txt.gz"),
    ],
)
def test_targets_equal_beta_output(label, group, fixture, reference, inputs):
    kind, opts, _, _ = BETA_RUNS[label]
    res = _run(reference, inputs, kind, opts)
    ours = [
        (
            t.chrom,
            str(t.tx_start),
            str(t.tx_end),
            t.refseq,
            f"{t.rank_product:.3e}",
            t.strand,
            t.symbol,
        )
        for t in res.targets
        if t.group == group
    ]
    assert ours == _beta_targets(fixture)


def test_demo_top_targets_are_the_known_ar_targets(reference, inputs):
    res = _run(reference, inputs, "limma", dict(da=500))
    top = {t.symbol for t in res.targets if t.group == "up" and t.target_rank <= 20}
    assert {"KLK2", "KLK3", "TMPRSS2", "FKBP5", "NKX3-1"} <= top


def test_clean_id_is_beta_strip():
    assert clean_id("NM_001002231_at") == "NM_001002231"
    assert clean_id("NM_001077.2") == "NM_001077"
    assert clean_id('"NR_045762_at"') == "NR_045762"
    assert clean_id("ATF3") == "ATF3"
    assert clean_id("Cd8a") == "Cd8"  # strip('"_at"') strips characters, not a suffix
    assert clean_id("Lta") == "L"
    assert [is_mangled(i) for i in ("NM_1_at", "NM_1.2", "ATF3", "Cd8a")] == [
        False,
        False,
        False,
        True,
    ]


def test_distance_is_strict_and_centre_is_floored():
    tx = [Transcript("NM_1", "chr1", "+", 100_000, 120_000, "G"),
          Transcript("NM_2", "chr1", "-", 50_000, 200_000, "H")]  # fmt: skip
    peaks = [
        Peak("chr1", 199_999, 200_002, "p1", 1.0),  # centre 200_000: exactly 100 kb from NM_1
        Peak("chr1", 100_000, 100_001, "p2", 1.0),  # centre 100_000 (floored): distance 0
    ]
    score_transcripts(tx, peaks, 100_000)
    assert tx[0].n_peaks == 1 and tx[0].score == math.exp(-0.5)
    assert tx[1].n_peaks == 1  # p1 at 0 from TSS 200_000, p2 exactly 100 kb: out
    assert tx[1].score == math.exp(-0.5)


def test_da_larger_than_the_genes_is_one_clear_error(reference, inputs):
    with pytest.raises(InputError, match=r"--da 20000 asks for the top 20000 up-regulated genes"):
        _run(reference, inputs, "limma", dict(da=20000))


def test_store_is_atomic_and_views_read_it(tmp_path, inputs):
    con = duckdb.connect(str(tmp_path / "b.duckdb"))
    apply_schema(con)
    files = inputs[2]
    kw = dict(rna=files["limma"], peaks=AR / "3656_peaks.bed.gz", genome="hg19",
              integration_id="ar")  # fmt: skip
    s = run_beta_integration(con, opts=BetaOptions(da=500), **kw)
    assert s["function"]["up"]["n_genes"] == 482
    before = con.execute("select * from beta_function order by gene_set").fetchall()
    with pytest.raises(InputError):
        run_beta_integration(con, opts=BetaOptions(da=20000), **kw)
    assert con.execute("select * from beta_function order by gene_set").fetchall() == before
    rows = con.execute(
        "select gene_set, n_genes, call from beta_function_prediction order by gene_set"
    ).fetchall()
    assert rows == [("down", 491, "not significant"), ("up", 482, "activating")]
    n = con.execute("select count(*) from beta_targets where integration_id = 'ar'").fetchall()
    assert n == [(355,)]


def test_cli_da_too_large_is_one_line(capsys, tmp_path):
    code, _out, err = run_cli(
        [
            "integrate",
            "--method",
            "beta",
            "--atac",
            str(AR / "3656_peaks.bed.gz"),
            "--rna",
            str(AR / "AR_diff_expr.tsv.gz"),
            "--genome",
            "hg19",
            "--da",
            "50000",
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        capsys,
    )
    assert code != 0
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert len(lines) == 1 and "--da 50000" in lines[0], err
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.rscript
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="needs Rscript")
def test_ks_equals_r_ks_test_with_ties():
    """Small samples with ties (R >= 4.2 exact) and a large one (asymptotic) against R."""
    rng = np.random.default_rng(7)
    cases = [
        (rng.integers(1, 30, 25), rng.integers(5, 40, 31)),  # exact, many ties
        (rng.integers(1, 2000, 300), rng.integers(200, 3000, 280)),  # asymptotic
        (np.array([3.0]), rng.integers(1, 9, 12)),
    ]
    for x, y in cases:
        r = (
            f"k <- ks.test(c({','.join(map(str, x))}), c({','.join(map(str, y))}), "
            "alternative = 'greater'); cat(sprintf('%.17g %.17g', k$statistic, k$p.value))"
        )
        out = subprocess.run(["Rscript", "-e", r], capture_output=True, text=True, check=True)
        d, p = map(float, out.stdout.split())
        k = ks_greater(x, y)
        assert k.d_statistic == pytest.approx(d, rel=1e-12, abs=0)
        assert k.p_value_r == pytest.approx(p, rel=1e-10, abs=1e-300)


@pytest.mark.prefect
def test_cli_runs_the_beta_flow_and_report(capsys, tmp_path):
    db, out_dir = tmp_path / "b.duckdb", tmp_path / "out"
    code, out, err = run_cli(
        ["integrate", "--method", "beta", "--atac", str(AR / "3656_peaks.bed.gz"), "--rna",
         str(AR / "AR_diff_expr.tsv.gz"), "--genome", "hg19", "--da", "500", "--title",
         "AR LNCaP", "--id", "ar", "--db", str(db), "--output", str(out_dir), "--exports",
         "csv"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "up    n = 482 vs 481: D = 0.4310, p = 1.426e-39" in out
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select gene_set, n_genes, d_statistic from beta_function_prediction "
            "where integration_id = 'ar' order by gene_set"
        ).fetchall()
        flow = con.execute("select flow_name, state from flow_runs").fetchall()
    assert rows == [("down", 491, 0.10519919888555321), ("up", 482, 0.4310047359839891)]
    assert ("integrate", "completed") in flow
    md = (out_dir / "ar" / "integration_report.md").read_text()
    assert "| up | 482 | 481 | 0.431005 | 1.426e-39 |" in md and "KLK2" in md
    # the TSS column is 1-based, the 3' coordinate for a minus-strand gene (TMPRSS2)
    with duckdb.connect(str(db), read_only=True) as con:
        tss = con.execute(
            "select symbol, strand, chrom, tx_start, tx_end from beta_targets "
            "where integration_id = 'ar' and symbol in ('KLK2', 'TMPRSS2') and target_rank <= 20"
        ).fetchall()
    assert {r[1] for r in tss} == {"+", "-"}
    for _, strand, chrom, start, end in tss:
        assert f"| {chrom}:{end if strand == '-' else start + 1:,} |" in md
    assert "`3656_peaks.bed.gz`" in md and str(AR) not in md  # no machine's absolute path
    assert (out_dir / "ar" / "beta_function.png").exists()
    assert (out_dir / "ar" / "beta_targets.csv").exists()  # --exports csv: CSV only
    assert not list((out_dir / "ar").glob("*.parquet"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--genome", "hg38", "--bl"], "--bl: BETA ships CTCF boundaries for hg19"),
        (["--genome", "hg19", "--bf", "x.bed"], "--bf is used only with --bl"),
        (["--genome", "hg19", "--da", "-1"], "--da -1: must be >= 0"),
        (["--genome", "hg19", "--da", "12.5"], "--da 12.5: a count above 1 must be a whole"),
        (["--genome", "hg19", "--rna-columns", "padj=AveExpr"], "AveExpr"),
        (["--genome", "hg19", "--gname2"], "no up gene is in the RefSeq table"),
        (["--reference", "missing.refseq"], "missing.refseq: no such file (--reference)"),
        (["--genome", "mm9"], "no BETA RefSeq table for genome 'mm9'"),
    ],
)
def test_cli_bad_beta_input_is_one_line(extra, message, capsys, tmp_path):
    code, _, err = run_cli(
        ["integrate", "--method", "beta", "--atac", str(AR / "3656_peaks.bed.gz"), "--rna",
         str(AR / "AR_diff_expr.tsv.gz"), "--db", str(tmp_path / "x.duckdb"), *extra],
        capsys,
    )  # fmt: skip
    lines = [x for x in err.strip().splitlines() if x.strip()]
    assert code != 0 and len(lines) == 1 and message in lines[0], err
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_beta_refuses_a_comparison(capsys):
    code, _, err = run_cli(
        ["integrate", "--method", "beta", "--comparison", "c1", "--rna",
         str(AR / "AR_diff_expr.tsv.gz"), "--genome", "hg19"],
        capsys,
    )  # fmt: skip
    assert code != 0 and "--method beta needs --atac PEAKS" in err


def test_peaks_off_the_refseq_chromosomes_are_counted(tmp_path):
    lines = gzip.open(AR / "3656_peaks.bed.gz", "rt").read().splitlines()
    moved = ["chrM\t" + x.split("\t", 1)[1] for x in lines[:10]] + lines[10:]
    (tmp_path / "p.bed").write_text("\n".join(moved) + "\n")
    run, _, _ = compute_beta(
        duckdb.connect(), rna=AR / "AR_diff_expr.tsv.gz", peaks=tmp_path / "p.bed",
        genome="hg19", opts=BetaOptions(da=500),
    )  # fmt: skip
    assert (run["n_peaks_read"], run["n_peaks_unplaced"]) == (7059, 10)


#: SHA-256 of BETA 1.0.7's own files (github suwangbio/BETA, BETA_1.0.7/BETA/references/).
BETA_FILES = {
    "hg19.refseq.xz": ("12289c030b234a31f631640304e653a018664e679b449165d7d2b48f99e60b32", 53479),
    "hg38.refseq.xz": ("62fa048fbfa63b0e280ad47fa453f8ae731275e3cf2798c0e2595a2645f72eb3", 57619),
    "mm10.refseq.xz": ("a8392bdc3429131b4eab9ef96088211220b6dc8728e41286a8a8a27f98fe86d3", 34671),
    "hg19_CTCF_bound.bed.xz": (
        "4f4ea7b84fc1239c7f08f5815eadf02b2b019bb5a6a74e80501db4a5dcf60ac1",
        None,
    ),
}


@pytest.mark.parametrize("name", list(BETA_FILES))
def test_shipped_tables_are_betas_own(name):
    import hashlib
    import lzma

    sha, n_rows = BETA_FILES[name]
    data = lzma.open(beta_inputs.DATA_DIR / name).read()
    assert hashlib.sha256(data).hexdigest() == sha
    if n_rows is not None:
        assert len(beta_inputs.read_reference(beta_inputs.DATA_DIR / name)) == n_rows


def test_three_column_bed_is_betas_score_1_in_file_order(reference, inputs, tmp_path):
    """BETA turns a 3-column BED into score 1.0 rows, so ``--pn`` keeps the first lines."""
    lines = gzip.open(AR / "3656_peaks.bed.gz", "rt").read().splitlines()
    bed3 = tmp_path / "peaks3.bed"
    bed3.write_text("".join("\t".join(x.split("\t")[:3]) + "\n" for x in lines))
    peaks, meta = beta_inputs.read_peaks(duckdb.connect(), bed3)
    assert meta["score_column"] is None and {p.score for p in peaks} == {1.0}
    res = run_beta(reference, peaks, inputs[1]["limma"], BetaOptions(da=500, pn=3000))
    expected = {
        "up": (482, 481, 0.19066001846084832, 2.503215956739524e-08, 2.5032159545030927e-08),
        "down": (491, 481, 0.027882339491300773, 0.68537544992928345, 0.68537544992928345),
    }
    for grp, (n, nb, d, p_r, p_asym) in expected.items():
        k = res.ks[grp]
        assert (k.n_x, k.n_y, k.d_statistic) == (n, nb, pytest.approx(d, rel=1e-12, abs=0))
        assert k.p_value_r == pytest.approx(p_r, rel=1e-12, abs=0)
        assert k.p_value_asymptotic == pytest.approx(p_asym, rel=1e-12, abs=0)
    ours = [
        (
            t.chrom,
            str(t.tx_start),
            str(t.tx_end),
            t.refseq,
            f"{t.rank_product:.3e}",
            t.strand,
            t.symbol,
        )
        for t in res.targets
    ]
    assert ours == _beta_targets("AR3col_da500_pn3000_uptarget.txt.gz")


def test_default_da_renders_a_chart_whose_points_lie_on_each_sets_cdf(tmp_path, inputs):
    """BETA's default ``--da 0.5`` puts thousands of genes in each set: the report still renders
    (it failed on Altair's 5,000-row limit) and every drawn point is the set's exact empirical
    CDF at that rank (% of its genes ranked there or higher), from the first rank to 100 %."""
    from chromdiff.integration.beta_report import CURVE_POINTS, _cdf_frame, render_beta

    con = duckdb.connect(str(tmp_path / "b.duckdb"))
    apply_schema(con)
    run_beta_integration(con, rna=inputs[2]["limma"], peaks=AR / "3656_peaks.bed.gz",
                         genome="hg19", integration_id="ar", opts=BetaOptions())  # fmt: skip
    ranks: dict[str, list[int]] = {}
    for name, rank in con.execute(
        "select gene_set, rp_rank from beta_gene_sets where integration_id = 'ar' "
        "and rp_rank is not null"
    ).fetchall():
        ranks.setdefault(name, []).append(rank)
    assert min(len(v) for v in ranks.values()) > 5 * CURVE_POINTS  # the case that needs thinning
    render_beta(con, "ar", tmp_path / "out")
    for ext in ("svg", "png"):
        assert (tmp_path / "out" / "ar" / f"beta_function.{ext}").stat().st_size > 0
    frame = _cdf_frame(con, "ar")
    for name, values in ranks.items():
        got = frame[frame.gene_set == name]
        assert 2 <= len(got) <= CURVE_POINTS
        exact = np.sort(np.array(values))
        cdf = 100.0 * np.searchsorted(exact, got.rp_rank.to_numpy(), side="right") / len(exact)
        np.testing.assert_allclose(got.percent.to_numpy(), cdf, rtol=0, atol=1e-9)
        assert (got.rp_rank.iloc[0], got.rp_rank.iloc[-1]) == (exact[0], exact[-1])


def test_gname2_on_deseq2_output_with_na_symbols(caplog):
    """The real DESeq2 table's symbol column has 684 R NAs (mapIds found no symbol): with
    --gname2 those rows are left out with a warning, not the whole table refused."""
    con = duckdb.connect()
    with caplog.at_level("WARNING"):
        rows, meta = beta_inputs.read_de(
            con, REAL / "deseq2_GSE37704_hg38" / "deseq_results.csv.gz", gname2=True
        )
    assert meta["columns"]["gene"] == "symbol" and meta["n_affx"] == 0
    assert len(rows) == 19808 - 684 and all(i and i != "NA" for i, _, _ in rows)
    assert "684 rows with an empty gene ID in column symbol" in caplog.text
