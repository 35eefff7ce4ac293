"""CLI on real GEO peaks (ChIPseeker's example data, hg19), bad input, and annotation charts."""

from __future__ import annotations

import gzip

import duckdb
from click.testing import CliRunner

from chromdiff.annotation import annotate_comparison
from chromdiff.annotation.charts import save_annotation_charts
from chromdiff.cli.cmd_annotate import command
from chromdiff.warehouse.db import apply_schema
from tests.logcheck import logs_warning
from tests.realdata import REAL

PEAKS = REAL / "chipseeker_geo_peaks_hg19" / "GSM1174480_ARmo_0M_peaks.bed.gz"
CATS = {"Promoter", "5' UTR", "3' UTR", "Exon", "Intron", "Downstream", "Distal Intergenic"}


def test_cli_annotates_real_peaks(tmp_path):
    with gzip.open(PEAKS, "rt") as fh:
        n = sum(1 for line in fh if line.strip() and not line.startswith(("#", "track")))
    out = tmp_path / "ann.tsv"
    res = CliRunner().invoke(
        command, ["--regions", str(PEAKS), "--genome", "hg19", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    rows = duckdb.sql(f"select * from read_csv('{out}', delim='\t')").fetchall()
    cols = duckdb.sql(f"select * from read_csv('{out}', delim='\t')").columns
    assert len(rows) == n and "end" in cols and "stop" not in cols
    feats = {r[cols.index("feature")] for r in rows}
    assert feats <= CATS | {None} and "Promoter" in feats
    res = CliRunner().invoke(
        command,
        [
            "--regions",
            str(PEAKS),
            "--genome",
            "hg19",
            "--out",
            str(tmp_path / "g.tsv"),
            "--links",
            "great",
        ],
    )
    assert res.exit_code == 0, res.output
    # --links nearest: each peak's nearest-TSS gene, the same as the full annotation's
    near = tmp_path / "near.tsv"
    res = CliRunner().invoke(
        command,
        ["--regions", str(PEAKS), "--genome", "hg19", "--out", str(near), "--links", "nearest"],
    )
    assert res.exit_code == 0, res.output
    q = "select region_key, gene_id, distance from read_csv('{}', delim='\t') order by 1"
    linked = duckdb.sql(q.format(near)).fetchall()
    full = duckdb.sql(
        q.format(out)
        .replace("distance", "distance_to_tss")
        .replace("order by", "where distance_to_tss is not null order by")
    ).fetchall()
    assert len(linked) > 0.99 * n and linked == full


def test_cli_bad_bed_names_line_and_column(tmp_path):
    bed = tmp_path / "x.bed"
    bed.write_text("chr1\t10\t20\nchr1\tabc\t30\n")
    res = CliRunner().invoke(command, ["--regions", str(bed), "--out", str(tmp_path / "o.tsv")])
    assert res.exit_code != 0
    assert "x.bed: line 2, column 2" in str(res.exception)
    assert not (tmp_path / "o.tsv").exists()


def test_charts_written(tmp_path):
    con = duckdb.connect()
    apply_schema(con)
    con.execute(
        "insert into comparisons (comparison_id, title, analysis, genome, description_a, "
        "description_b, threshold, n_a, n_b, input_hash, base_url, status) values "
        "('c', 't', 'diffbind', 'hg38', 'a', 'b', 50, 2, 2, 'h', 'u', 'loaded')"
    )
    con.execute(
        "insert into regions (comparison_id, region_id, chrom, start, stop) "
        "select 'c', i, 'chr17', 7600000 + i * 5000, 7600000 + i * 5000 + 300 "
        "from range(1, 200) t(i)"
    )
    annotate_comparison(con, "c")
    total = con.execute("select sum(n_regions) from annotation_feature_counts").fetchall()[0][0]
    assert total == 199
    files = save_annotation_charts(con, "c", tmp_path)
    assert set(files) == {
        "annotation_features.png",
        "annotation_features.svg",
        "annotation_tss_distance.png",
        "annotation_tss_distance.svg",
    }
    assert files["annotation_features.png"].read_bytes()[:4] == b"\x89PNG"
    assert "Intron" in files["annotation_features.svg"].read_text()


def test_cli_comparison_mode(tmp_path, caplog):
    from chromdiff.warehouse.db import writer

    db = tmp_path / "c.duckdb"
    with writer(db) as con:
        con.execute(
            "insert into comparisons (comparison_id, title, analysis, genome, description_a, "
            "description_b, threshold, n_a, n_b, input_hash, base_url, status) values "
            "('m', 't', 'diffbind', 'mm10', 'a', 'b', 50, 2, 2, 'h', 'u', 'loaded')"
        )
        con.execute(
            "insert into regions (comparison_id, region_id, chrom, start, stop) values "
            "('m', 1, 'chr11', 96000000, 96000500), ('m', 2, 'chrUn_x', 5, 50)"
        )
    with logs_warning(caplog, "1 of 2 regions"):
        res = CliRunner().invoke(command, ["--comparison", "m", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "m: 2 regions annotated" in res.output
    with writer(db) as con:
        rows = con.execute(
            "select region_id, annotation_id, feature is null from region_annotation order by 1"
        ).fetchall()
    assert rows == [(1, "embedded:mm10", False), (2, "embedded:mm10", True)]


def test_cli_comparison_mode_refuses_out(tmp_path):
    """`--comparison ID --out x.tsv` exited 0 and wrote no x.tsv: --out was ignored silently."""
    res = CliRunner().invoke(command, ["--comparison", "m", "--db", str(tmp_path / "c.duckdb"),
                                       "--out", str(tmp_path / "x.tsv")])  # fmt: skip
    assert res.exit_code == 2 and "--regions/--out are for a region file" in res.output
    assert not (tmp_path / "x.tsv").exists() and not (tmp_path / "c.duckdb").exists()
