"""Bad integration inputs: each a one-line error naming file/line/column; the database unchanged.

Good inputs in awkward encodings (CRLF, BOM, gzip, Parquet, ``1`` vs ``chr1``) load.
"""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from chromdiff.errors import InputError
from chromdiff.integration.load import INT_TABLES, load_inputs
from chromdiff.integration.pipeline import link_step
from chromdiff.warehouse import db
from tests.realdata import ANNOTATION

# hg38 genes of the embedded annotation (NCBI/UCSC): EGFR, GAPDH and MYC, all on the + strand;
# their TSS are looked up in the embedded annotation by _tss().
RNA = """"",log2FoldChange,padj,symbol
ENSG00000146648.18,2.5,0.001,EGFR
ENSG00000111640,-1.5,1e-5,GAPDH
ENSG00000136997,0.2,0.8,MYC
"""


def _tss(symbol: str) -> tuple[str, int]:
    import duckdb

    from chromdiff.annotation.build import DATA_DIR

    return duckdb.sql(
        f"select chrom, tss from '{DATA_DIR}/hg38_genes.parquet' where symbol = '{symbol}'"
    ).fetchall()[0]


def _peaks_bed() -> str:
    rows = []
    for i, sym in enumerate(("EGFR", "GAPDH", "MYC")):
        chrom, tss = _tss(sym)
        rows.append(f"{chrom}\t{tss - 200}\t{tss + 300}\tp{i}\t{50 + i}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A database holding one good integration ``keep`` (which must survive every failure)."""
    tmp = tmp_path_factory.mktemp("int_template")
    path = tmp / "int.duckdb"
    rna, bed = tmp / "good_rna.csv", tmp / "good.bed"
    rna.write_text(RNA)
    bed.write_text(_peaks_bed())
    with db.writer(path) as con:
        load_inputs(con, rna=rna, peaks=bed, genome="hg38", integration_id="keep")
    return path


@pytest.fixture
def dbp(template_db, tmp_path):
    """A private copy of :func:`template_db`."""
    path = tmp_path / "int.duckdb"
    shutil.copy(template_db, path)
    return path


def _snapshot(path: Path) -> dict:
    with db.connect(path, read_only=True) as con:
        return {
            t: con.execute(f"select * from {t} order by all").fetchall()
            for t in ("integrations", *INT_TABLES)
        }


def _fails(
    dbp: Path,
    tmp_path: Path,
    pattern: str,
    *,
    rna: str = RNA,
    peaks: str | None = None,
    rna_name: str = "rna.csv",
    peaks_name: str = "p.bed",
    **kw,
) -> str:
    before = _snapshot(dbp)
    rna_path, peaks_path = tmp_path / rna_name, tmp_path / peaks_name
    rna_path.write_text(rna)
    peaks_path.write_text(peaks if peaks is not None else _peaks_bed())
    with db.writer(dbp) as con, pytest.raises(InputError) as err:
        load_inputs(
            con,
            rna=rna_path,
            peaks=peaks_path,
            genome=kw.pop("genome", "hg38"),
            integration_id="keep",
            **kw,
        )
    msg = str(err.value)
    assert "\n" not in msg
    assert re.search(pattern, msg), msg
    assert _snapshot(dbp) == before
    return msg


def test_non_numeric_logfc_names_line_and_column(dbp, tmp_path):
    bad = RNA.replace("-1.5", "minus1.5")
    _fails(
        dbp,
        tmp_path,
        r"rna.csv: line 3, column 'log2FoldChange': 'minus1.5' is not a number",
        rna=bad,
    )


def test_missing_logfc_column(dbp, tmp_path):
    _fails(
        dbp,
        tmp_path,
        r"rna.csv: no column for logfc .*columns are: row_name, padj, symbol",
        rna=RNA.replace("log2FoldChange,", "")
        .replace(",2.5", "")
        .replace(",-1.5", "")
        .replace(",0.2", ""),
    )


def test_padj_out_of_range(dbp, tmp_path):
    _fails(
        dbp,
        tmp_path,
        r"line 4, column 'padj': 1.8 is not a probability",
        rna=RNA.replace("0.8,MYC", "1.8,MYC"),
    )


def test_empty_gene_id(dbp, tmp_path):
    """A row without an ID (R's NA where mapIds found no symbol) is left out and counted, as
    BETA and the R recipe drop it; a column with no ID at all is an error."""
    (tmp_path / "na.csv").write_text(RNA.replace("ENSG00000111640", "NA"))
    (tmp_path / "p.bed").write_text(_peaks_bed())
    with db.writer(dbp) as con:
        s = load_inputs(con, rna=tmp_path / "na.csv", peaks=tmp_path / "p.bed", genome="hg38")
        notes = con.execute(
            "select kind, n, example from int_input_notes where integration_id = ? "
            "and kind = 'no_gene_id'",
            [s["integration_id"]],
        ).fetchall()
    assert s["n_genes"] == 2 and notes == [("no_gene_id", 1, "line 3")]
    empty = RNA.replace("ENSG00000146648.18", "").replace("ENSG00000111640", "")
    _fails(
        dbp,
        tmp_path,
        r"line 2, column 'row_name': gene ID is empty",
        rna=empty.replace("ENSG00000136997", ""),
    )


def test_bed_with_two_columns(dbp, tmp_path):
    _fails(dbp, tmp_path, r"p.bed: line 1: a BED row needs at least 3 columns", peaks="chr1\t100\n")


def test_ragged_row(dbp, tmp_path):
    peaks = _peaks_bed() + "chr1\t5\n"
    _fails(dbp, tmp_path, r"p.bed: line 4: expected >= 3 columns .*found 2", peaks=peaks)


def test_reversed_and_negative_coordinates(dbp, tmp_path):
    _fails(
        dbp,
        tmp_path,
        r"p.bed: line 2: start 500 is not before end 100",
        peaks="chr1\t10\t20\nchr1\t500\t100\n",
    )
    _fails(
        dbp,
        tmp_path,
        r"p.bed: line 1: column 'start' must be an integer|negative start",
        peaks="chr1\t-5\t20\n",
    )


def test_non_integer_coordinate(dbp, tmp_path):
    _fails(
        dbp,
        tmp_path,
        r"p.bed: line 3, column 'Start': '150.5' is not an integer",
        peaks="Chrom\tStart\tEnd\nchr1\t1e+05\t200000\nchr1\t150.5\t200000\n",
    )


def test_empty_and_binary_files(dbp, tmp_path):
    _fails(dbp, tmp_path, r"p.bed: no rows \(the file is empty\)", peaks="")
    (tmp_path / "p.bed").write_text(_peaks_bed())
    (tmp_path / "bin.csv").write_bytes(b'"",log2FoldChange,padj\nA\xff\xfe,1,0.1\n')
    with db.writer(dbp) as con, pytest.raises(InputError, match=r"bin.csv: line 2 is not UTF-8"):
        load_inputs(con, rna=tmp_path / "bin.csv", peaks=tmp_path / "p.bed", genome="hg38")


def test_huge_line(dbp, tmp_path):
    _fails(
        dbp,
        tmp_path,
        r"line 3 is longer than 1000000 bytes",
        rna=RNA.replace("GAPDH\n", "GAPDH" + "x" * 1_100_000 + "\n"),
    )


def test_no_gene_matches_annotation(dbp, tmp_path):
    rna = '"",log2FoldChange,padj\nFOO1,1,0.1\nBAR2,2,0.01\n'
    _fails(
        dbp,
        tmp_path,
        r"none of the 2 gene IDs \(e.g. FOO1, BAR2\) matched annotation "
        r"embedded:hg38.*--rna-columns",
        rna=rna,
    )


def test_unknown_genome_and_missing_file(dbp, tmp_path):
    _fails(dbp, tmp_path, r"genome 'xx1' has no embedded annotation", genome="xx1")
    with db.writer(dbp) as con, pytest.raises(InputError, match=r"nope.csv: no such file"):
        load_inputs(con, rna=tmp_path / "nope.csv", peaks=tmp_path / "p.bed", genome="hg38")


def test_bad_parameters():
    from chromdiff.integration.params import IntegrationParams

    with pytest.raises(InputError, match="--link 'closest'"):
        IntegrationParams(link_rule="closest").validated()
    with pytest.raises(InputError, match=r"rna_padj must be in \(0, 1\]"):
        IntegrationParams(rna_padj=0).validated()


def test_crlf_bom_gzip_and_parquet_load(dbp, tmp_path):
    rna = tmp_path / "rna_crlf.csv.gz"
    with gzip.open(rna, "wb") as fh:
        fh.write(b"\xef\xbb\xbf" + RNA.replace("\n", "\r\n").encode())
    peaks = tmp_path / "peaks.parquet"
    rows = [line.split("\t") for line in _peaks_bed().splitlines()]
    pd.DataFrame(
        {
            "seqnames": [r[0].removeprefix("chr") for r in rows],  # Ensembl-style "17", "12", "8"
            "start": [int(r[1]) + 1 for r in rows],
            "end": [int(r[2]) for r in rows],
            "Fold": [2.0, -2.0, 0.1],
            "FDR": [0.001, 0.01, 0.9],
        }
    ).to_parquet(peaks)
    with db.writer(dbp) as con:
        s = load_inputs(con, rna=rna, peaks=peaks, genome="hg38", integration_id="enc")
        got = con.execute(
            "select chrom, start from int_peaks where integration_id = 'enc' order by peak_id"
        ).fetchall()
    assert s["n_genes"] == 3 and s["genes"]["symbol"] == 3
    assert "1 Ensembl IDs with a version suffix (matched without it)" in " ".join(s["notes"])
    # seqnames => 1-based starts converted back to the BED rows' 0-based starts
    assert [g[1] for g in got] == [int(r[1]) for r in rows]
    out = link_step(dbp, "enc")  # '17' vs 'chr17' reconciled by the annotation engine
    assert out["links"] == 3 and out["unmatched_chrom"] == 0
    with db.connect(dbp, read_only=True) as con:
        links = con.execute(
            "select k.name, l.symbol from int_links l join int_peaks k "
            "using (integration_id, peak_id) where integration_id = 'enc' "
            "order by peak_id"
        ).fetchall()
    assert [s for _, s in links] == ["EGFR", "GAPDH", "MYC"]


def test_reader_notes(dbp, tmp_path):
    rna = RNA + "ENSG00000146648.17,1.0,NA,EGFR\nENSG00000000003,1,0,TSPAN6\n"
    (tmp_path / "n.csv").write_text(rna)
    (tmp_path / "n.bed").write_text(_peaks_bed() + _peaks_bed().splitlines()[0] + "\n")
    with db.writer(dbp) as con:
        s = load_inputs(con, rna=tmp_path / "n.csv", peaks=tmp_path / "n.bed", genome="hg38")
        notes = dict(
            con.execute(
                "select kind, n from int_input_notes where integration_id = ?",
                [s["integration_id"]],
            ).fetchall()
        )
        kept = con.execute(
            "select padj from int_genes where integration_id = ? and gene_symbol = 'EGFR'",
            [s["integration_id"]],
        ).fetchall()
    assert notes == {
        "na_padj": 1,
        "padj_zero": 1,
        "version_suffix": 2,
        "duplicate_genes": 1,
        "duplicate_rows": 1,
        "no_differential_columns": 3,  # a plain BED: every peak, after the duplicate dropped
    }
    assert kept == [(0.001,)]  # the duplicate with the smaller padj is kept


GTF = ANNOTATION / "pyranges_gencode_v29_chr1_subset.gtf.gz"


def test_ensembl_ids_reconciled_through_a_gencode_gtf(tmp_path):
    """GENCODE gene_ids carry versions (ENSG00000223972.5); the DE table a different one."""
    import duckdb

    con0 = duckdb.connect()
    db.apply_schema(con0)
    from chromdiff.annotation import ensure_annotation

    aid = ensure_annotation(con0, gtf=GTF)
    genes = con0.execute(
        "select gene_id, symbol, chrom, tss from ann_genes where annotation_id = ? "
        "order by gene_id limit 4",
        [aid],
    ).fetchall()
    tx = con0.execute(
        "select tx_id, gene_id from ann_transcripts where annotation_id = ? and gene_id = ? "
        "limit 1",
        [aid, genes[3][0]],
    ).fetchall()[0]
    con0.close()
    base = [g[0].split(".")[0] for g in genes]
    rna = tmp_path / "ens.tsv"
    rna.write_text("gene_id\tlogFC\tFDR\n"
                   f"{base[0]}.99\t2\t0.001\n"      # other version: gene_id rule
                   f"{base[1]}\t-2\t0.001\n"        # no version: gene_id rule
                   f"{genes[2][1]}\t1.5\t0.01\n"    # a symbol in the ID column: symbol rule
                   f"{tx[0].split('.')[0]}\t1\t0.5\n")  # an ENST: transcript rule  # fmt: skip
    bed = tmp_path / "p.bed"
    bed.write_text("".join(f"{g[2]}\t{g[3]}\t{g[3] + 10}\n" for g in genes))
    with db.writer(tmp_path / "g.duckdb") as con:
        s = load_inputs(con, rna=rna, peaks=bed, gtf=GTF, genome="hg38", integration_id="g")
        got = con.execute(
            "select input_id, gene_id, match_via from int_genes "
            "where integration_id = 'g' order by row_id"
        ).fetchall()
    assert s["annotation_id"] == aid
    # --gtf without --genome, as the CLI allows: the insert failed (integrations.genome NOT NULL)
    with db.writer(tmp_path / "g.duckdb") as con:
        s2 = load_inputs(con, rna=rna, peaks=bed, gtf=GTF, integration_id="g2")
        assert con.execute(
            "select genome from integrations where integration_id = 'g2'"
        ).fetchall() == [(aid,)]
    assert s2["genome"] == aid
    assert got == [
        (f"{base[0]}.99", genes[0][0], "gene_id"),
        (base[1], genes[1][0], "gene_id"),
        (genes[2][1], genes[2][0], "symbol"),
        (tx[0].split(".")[0], genes[3][0], "refseq"),
    ]


def test_a_dmr_comparison_is_refused(dbp, tmp_path):
    """Its effect is a methylation difference (a fraction), so the |log2FC| > 1 cutoff was never
    met: every pair 'Other', both KS p = 1, no warning (official_hg_dmr: 248 regions q < 0.05)."""
    from tests.warehouse_rows import add_comparison, add_regions

    with db.writer(dbp) as con:
        add_comparison(con, "m1", analysis="dmr")
        add_regions(con, "m1", [{"chrom": "chr1", "start": 100, "stop": 900,
                                 "meth_diff": 0.6, "qvalue": 0.001}])  # fmt: skip
    before = _snapshot(dbp)
    rna = tmp_path / "rna.csv"
    rna.write_text(RNA)
    with db.writer(dbp) as con, pytest.raises(InputError) as err:
        load_inputs(con, rna=rna, comparison="m1", genome="hg38", integration_id="keep")
    assert str(err.value).startswith(
        "comparison 'm1' is a dmr comparison: its effect is a methylation difference (A - B, a "
        "fraction), not a log2 fold change"
    )
    assert _snapshot(dbp) == before


def test_peaks_on_unannotated_chromosomes_are_an_input_note(dbp, tmp_path):
    """They were only logged (three times), never in the report's input notes."""
    rna, bed = tmp_path / "rna.csv", tmp_path / "p.bed"
    rna.write_text(RNA)
    bed.write_text(_peaks_bed() + "chrUn_KI270302v1\t100\t600\tx1\t40\nNC_000001.11\t1\t9\tx2\t1\n")
    with db.writer(dbp) as con:
        load_inputs(con, rna=rna, peaks=bed, genome="hg38", integration_id="un")
    for _ in range(2):  # re-linking replaces the note
        out = link_step(dbp, "un")
        assert out["unmatched_chrom"] == 2
    with db.connect(dbp, read_only=True) as con:
        notes = con.execute(
            "select side, n, example, message from int_input_notes "
            "where integration_id = 'un' and kind = 'unannotated_chrom'"
        ).fetchall()
    assert notes == [("peaks", 2, "NC_000001.11", "2 peaks lie on chromosomes that embedded:hg38 "
                      "does not annotate (e.g. NC_000001.11; check chr1 vs 1 naming or the genome "
                      "build): they link to no gene")]  # fmt: skip


def test_cli_refuses_unmatched_genes_before_prefect(tmp_path, monkeypatch):
    """docs/integration.md: the CLI checks both files, genes included, before starting Prefect."""
    from click.testing import CliRunner

    import flows.integrate
    from chromdiff.cli.cmd_integrate import command

    def never(**kwargs):  # the flow (and its Prefect server) must not start
        raise AssertionError("the flow started")

    monkeypatch.setattr(flows.integrate, "integrate", never)
    (tmp_path / "de.csv").write_text('"",log2FoldChange,padj\nFOO1,1,0.1\nBAR2,2,0.01\n')
    (tmp_path / "p.bed").write_text("chr1\t1000000\t1000500\n")
    dbp = tmp_path / "x.duckdb"
    res = CliRunner().invoke(command, ["--atac", str(tmp_path / "p.bed"), "--rna",
                                       str(tmp_path / "de.csv"), "--genome", "hg38",
                                       "--db", str(dbp)])  # fmt: skip
    # InputError: the CLI's entry point prints it as one line (cli/main.py)
    assert isinstance(res.exception, InputError)
    assert re.search(r"none of the 2 gene IDs .* matched annotation embedded:hg38",
                     str(res.exception))  # fmt: skip
    assert not dbp.exists()


def test_chrm_peaks_are_linked_and_not_counted_as_unlinked(dbp, tmp_path):
    """chrM had genes (loci) but no transcripts: GREAT linked its peaks while a note said they
    "link to no gene", so the notes and the pairs added up to more peaks than there are. The
    embedded builds now give each mitochondrial gene a transcript (as GENCODE does), so both
    rules link the peak at chrM:3,001-3,400, and neither notes it. It holds the TSSs of MT-TL1
    (Entrez 4567, rCRS 3,230-3,304 +) and MT-ND1 (4535, 3,307-4,262 +); the nearest rule takes
    the leftmost TSS inside a region (docs/annotation.md), MT-TL1's."""
    from chromdiff.integration.params import IntegrationParams

    rna, bed = tmp_path / "rna.csv", tmp_path / "p.bed"
    rna.write_text(RNA)
    bed.write_text(_peaks_bed() + "chrM\t3000\t3400\tm1\t40\n")
    counts = {}
    for rule in ("nearest", "great"):
        with db.writer(dbp) as con:
            load_inputs(con, rna=rna, peaks=bed, genome="hg38", integration_id=rule,
                        params=IntegrationParams(link_rule=rule))  # fmt: skip
        link_step(dbp, rule)
        with db.connect(dbp, read_only=True) as con:
            counts[rule] = con.execute(
                "select (select count(*) from int_links l join int_peaks p using "
                "(integration_id, peak_id) where integration_id = $1 and p.chrom = 'chrM'), "
                "(select coalesce(sum(n), 0) from int_input_notes where integration_id = $1 "
                "and kind = 'unannotated_chrom'), "
                "(select list(distinct l.gene_id) from int_links l join int_peaks p using "
                "(integration_id, peak_id) where integration_id = $1 and p.chrom = 'chrM')",
                [rule],
            ).fetchall()[0]
    assert counts["nearest"] == (1, 0, ["4567"])
    assert counts["great"][0] > 0 and counts["great"][1] == 0  # linked: not noted


def test_cli_refuses_a_dmr_comparison_before_prefect(dbp, tmp_path, monkeypatch):
    """The refusal came only inside the flow, after a temporary Prefect server and tracebacks."""
    from click.testing import CliRunner

    import flows.integrate
    from chromdiff.cli.cmd_integrate import command
    from tests.warehouse_rows import add_comparison

    def never(**kwargs):
        raise AssertionError("the flow started")

    monkeypatch.setattr(flows.integrate, "integrate", never)
    with db.writer(dbp) as con:
        add_comparison(con, "m1", analysis="dmr")
    (tmp_path / "rna.csv").write_text(RNA)
    res = CliRunner().invoke(command, ["--comparison", "m1", "--rna", str(tmp_path / "rna.csv"),
                                       "--db", str(dbp)])  # fmt: skip
    assert isinstance(res.exception, InputError)
    assert str(res.exception).startswith("comparison 'm1' is a dmr comparison")
    res = CliRunner().invoke(command, ["--comparison", "nope", "--rna", str(tmp_path / "rna.csv"),
                                       "--db", str(dbp)])  # fmt: skip
    assert str(res.exception) == "comparison 'nope' is not in the database"


def test_a_dmr_export_given_as_peaks_is_refused(dbp, tmp_path):
    """chromdiff's own dmr export (meth_diff) read as peaks: mapped with --atac-columns
    logfc=meth_diff it was classified as accessibility (hypomethylation + RNA up 'Discordant
    closed/up', where methylation loss with expression gain is the expected pairing)."""
    from chromdiff.integration.params import IntegrationParams

    rna, peaks = tmp_path / "rna.csv", tmp_path / "diff_regions_all.csv"
    rna.write_text(RNA)
    chrom, tss = _tss("EGFR")
    peaks.write_text("chrom,start,end,meth_diff,qvalue,n_cpgs,p_mwu,mean_meth_a,mean_meth_b\n"
                     f"{chrom},{tss - 200},{tss + 300},-0.3,0.001,25,0.001,0.2,0.5\n")  # fmt: skip
    before = _snapshot(dbp)
    for overrides in ({}, {"logfc": "meth_diff", "padj": "qvalue"}):
        with db.writer(dbp) as con, pytest.raises(InputError, match="methylation difference"):
            load_inputs(con, rna=rna, peaks=peaks, genome="hg38", integration_id="m",
                        params=IntegrationParams(atac_lfc=0.2), atac_columns=overrides)  # fmt: skip
    assert _snapshot(dbp) == before


def test_a_comparison_says_which_group_the_categories_read_as_open(dbp, tmp_path):
    """logFC = log2(A / B) (edgeR.r:71): the note names group A, and a cuffdiff table putting
    the same two conditions the other way round is flagged (categories and r would flip)."""
    from tests.warehouse_rows import add_comparison, add_regions

    chrom, tss = _tss("EGFR")
    with db.writer(dbp) as con:
        add_comparison(con, "c1")  # description_a MOLM-13, description_b K-562
        add_regions(con, "c1", [{"chrom": chrom, "start": tss - 200, "stop": tss + 300,
                                 "logfc": 2.0, "qvalue": 0.001, "a": 50, "b": 10}])  # fmt: skip
    cuff = tmp_path / "gene_exp.diff"
    cuff.write_text(
        "test_id\tgene_id\tgene\tlocus\tsample_1\tsample_2\tstatus\tvalue_1\tvalue_2\t"
        "log2(fold_change)\ttest_stat\tp_value\tq_value\tsignificant\n"
        f"EGFR\tEGFR\tEGFR\t{chrom}:1-2\tMOLM-13\tK-562\tOK\t40\t10\t-2\t-3\t0.0001\t0.001\tyes\n"
    )
    rna = tmp_path / "rna.csv"
    rna.write_text(RNA)
    notes = {}
    for iid, de in (("plain", rna), ("cuff", cuff)):
        with db.writer(dbp) as con:
            load_inputs(con, rna=de, comparison="c1", integration_id=iid)
            notes[iid] = con.execute(
                "select side, kind, example, message from int_input_notes where integration_id = ?"
                " and kind like 'orientation%' order by side, kind",
                [iid],
            ).fetchall()
    peak_note = ("peaks", "orientation", "MOLM-13 / K-562",
                 "comparison c1: logFC is log2(MOLM-13 / K-562) (group A over B): positive = "
                 "higher in MOLM-13, which the categories read as 'open'")  # fmt: skip
    assert notes["plain"] == [peak_note]
    assert notes["cuff"][0] == peak_note
    assert [n[:3] for n in notes["cuff"][1:]] == [
        ("rna", "orientation", "K-562 / MOLM-13"),
        ("rna", "orientation_opposed", "MOLM-13 / K-562 vs K-562 / MOLM-13"),
    ]
    assert "'Concordant' and 'Discordant' are swapped" in notes["cuff"][2][3]


def test_cli_refuses_a_genome_without_annotation_before_prefect(tmp_path, monkeypatch):
    """--genome hg99: two tracebacks and ~50 nanobind lines from inside the flow, and a database
    written, where docs/integration.md promises one line before Prefect starts."""
    from click.testing import CliRunner

    import flows.integrate
    from chromdiff.cli.cmd_integrate import command

    def never(**kwargs):
        raise AssertionError("the flow started")

    monkeypatch.setattr(flows.integrate, "integrate", never)
    (tmp_path / "rna.csv").write_text(RNA)
    (tmp_path / "p.bed").write_text(_peaks_bed())
    dbp = tmp_path / "x.duckdb"
    res = CliRunner().invoke(command, ["--atac", str(tmp_path / "p.bed"), "--rna",
                                       str(tmp_path / "rna.csv"), "--genome", "hg99",
                                       "--db", str(dbp)])  # fmt: skip
    assert isinstance(res.exception, InputError)
    assert str(res.exception).startswith("genome 'hg99' has no embedded annotation")
    assert not dbp.exists()
