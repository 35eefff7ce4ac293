"""The compare flow end to end against the offline fake server (shared Prefect harness)."""

from pathlib import Path

import pytest

pytest.importorskip("chromdiff.fakeserver", reason="fake server not available")
pytest.importorskip("chromdiff.chipatlas.client", reason="ChIP-Atlas client not available")

from chromdiff.db import connect
from chromdiff.examples import get_example
from chromdiff.settings import get_settings

pytestmark = pytest.mark.prefect

EX = get_example("tp53_molm13_vs_k562")


@pytest.fixture
def fast_polling(monkeypatch):
    monkeypatch.setenv("CHROMDIFF_POLL_INTERVAL_S", "0.1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(base_url, tmp_path, **kw):
    from flows.compare import compare

    return compare(
        ids_a=list(EX.ids_a), ids_b=list(EX.ids_b), db_path=str(tmp_path / "c.duckdb"),
        title="flow test simulated", description_a="MOLM-13", description_b="K-562",
        base_url=base_url, output_dir=str(tmp_path / "out"), **kw,
    )  # fmt: skip


def table_counts(db):
    with connect(db, read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("comparisons", "experiments", "regions", "region_counts", "raw_files")
        }


def test_end_to_end_idempotent_and_force(fake_chipatlas, fast_polling, tmp_path):
    out = run(fake_chipatlas.base_url, tmp_path)
    assert out["status"] == "loaded" and not out["skipped"]
    assert out["request_id"].startswith("wabi_chipatlas_")
    db = tmp_path / "c.duckdb"
    raw_bed = next(Path(out["output_dir"], "raw").glob("*.bed"))
    lines = [x.split("\t") for x in raw_bed.read_text().splitlines() if x.strip()]
    lines = [x for x in lines if not x[0].startswith("track")]
    if raw_bed.name.endswith(".igv.bed"):
        raw_bed = next(
            p for p in Path(out["output_dir"], "raw").glob("*.bed") if ".igv" not in p.name
        )
        lines = [x.split("\t") for x in raw_bed.read_text().splitlines() if x.strip()]
    assert out["n_regions"] == len(lines)
    c = table_counts(db)
    assert c["regions"] == len(lines) and c["region_counts"] == len(lines) * 8
    assert c["experiments"] == 8
    with connect(db, read_only=True) as con:
        kinds = {r[0] for r in con.execute("select kind from raw_files").fetchall()}
        assert {"bed", "zip", "log"} <= kinds
        assert con.execute("select simulated from comparisons").fetchall() == [(True,)]
        # independent check of the count mapping: column 4 of line 1 is sorted(ids_a)
        got = dict(
            con.execute(
                "select experiment_id, count from region_counts where region_id = 1"
            ).fetchall()
        )
    for srx, value in zip(sorted(EX.ids_a), lines[0][3].split(","), strict=True):
        assert got[srx] == pytest.approx(float(value))
    again = run(fake_chipatlas.base_url, tmp_path)
    assert again["skipped"] and table_counts(db) == c
    forced = run(fake_chipatlas.base_url, tmp_path, force=True)
    assert not forced["skipped"] and forced["request_id"] != out["request_id"]
    assert table_counts(db) == c


def test_resume_uses_stored_request_id(fake_chipatlas, fast_polling, tmp_path):
    from chromdiff.chipatlas.client import ChipAtlasClient
    from chromdiff.chipatlas.protocol import SubmitRequest

    from chromdiff.comparison import ComparisonSpec, register, set_request
    from chromdiff.db import writer

    spec = ComparisonSpec(
        list(EX.ids_a), list(EX.ids_b), title="flow test simulated",
        description_a="MOLM-13", description_b="K-562",
    ).validated()  # fmt: skip
    rid = ChipAtlasClient(fake_chipatlas.base_url).submit(
        SubmitRequest(spec.analysis, spec.genome, spec.ids_a, spec.ids_b, spec.title,
                      spec.description_a, spec.description_b, threshold=spec.threshold)
    )  # fmt: skip
    with writer(tmp_path / "c.duckdb") as con:
        register(con, spec.default_id(), spec, base_url=fake_chipatlas.base_url)
        set_request(con, spec.default_id(), rid)
    out = run(fake_chipatlas.base_url, tmp_path)
    assert out["request_id"] == rid and out["status"] == "loaded"
