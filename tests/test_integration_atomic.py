"""All-or-nothing integration runs, by fault injection (a step is monkeypatched to raise).

* A first run that fails after writing leaves no integration row (nothing marked ``done``), no
  staged row and no report folder.
* A failed rerun of an existing ``--id`` leaves the previous rows (every ``int_*`` table) and the
  previous report files byte for byte as they were, whichever step fails, including the final
  database swap itself.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from chromdiff.integration import pipeline, report, staging
from chromdiff.integration.params import IntegrationParams
from chromdiff.integration.simulate import SimSpec, simulate
from chromdiff.warehouse import db

SMALL = SimSpec(n_genes=600, n_peaks=800, n_concordant=10, n_discordant=5)


class Injected(RuntimeError):
    """The fault planted by a test."""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("atomic_in"), SMALL)


@pytest.fixture(scope="module")
def published(inputs, tmp_path_factory):
    """A database and output folder holding one good integration ``keep`` (cutoffs 1 / 0.05)."""
    tmp = tmp_path_factory.mktemp("atomic_good")
    pipeline.run_integration(tmp / "db.duckdb", out_dir=tmp / "out", **_kwargs(inputs))
    return tmp


def _kwargs(inputs, **params) -> dict:
    return dict(rna=inputs["rna"], peaks=inputs["atac"], genome="hg38", integration_id="keep",
                params=IntegrationParams(title="atomic", **params))  # fmt: skip


@pytest.fixture
def work(published, tmp_path):
    """A private copy of :func:`published` (database and report)."""
    shutil.copy(published / "db.duckdb", tmp_path / "db.duckdb")
    shutil.copytree(published / "out", tmp_path / "out")
    return tmp_path


def _rows(path: Path) -> dict:
    """Every row of every table keyed by integration_id (the staged ones included)."""
    with db.connect(path, read_only=True) as con:
        return {
            t: con.execute(f"select * from {t} order by all").fetchall()
            for t in staging.integration_tables(con)
        }


def _files(out: Path) -> dict:
    """Every file under ``out`` (hidden staging folders included) with its SHA-256."""
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def _fail_after(monkeypatch, module, name):
    """Make ``module.name`` run (and write) as usual, then raise."""
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        real(*args, **kwargs)
        raise Injected(f"{name} failed after writing")

    monkeypatch.setattr(module, name, wrapped)


def _fail_in_swap(monkeypatch):
    """Make the final database swap fail at its last statement: every table already replaced."""
    real = staging.publish_rows

    class Con:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            if sql.startswith("update integrations set status = 'done'"):
                raise Injected("database swap failed")
            return self._con.execute(sql, *args)

    monkeypatch.setattr(staging, "publish_rows", lambda con, *a: real(Con(con), *a))


FAULTS = {
    "link": lambda mp: _fail_after(mp, pipeline, "link_peaks"),
    "stats": lambda mp: _fail_after(mp, pipeline, "compute_stats"),
    "report": lambda mp: _fail_after(mp, report, "write_exports"),
    "database swap": _fail_in_swap,
}


@pytest.mark.parametrize("step", ["stats", "report"])
def test_first_run_failing_after_writing_leaves_nothing(inputs, tmp_path, monkeypatch, step):
    FAULTS[step](monkeypatch)
    with pytest.raises(Injected):
        pipeline.run_integration(
            tmp_path / "db.duckdb", out_dir=tmp_path / "out", **_kwargs(inputs)
        )
    rows = _rows(tmp_path / "db.duckdb")
    assert rows["integrations"] == []  # not 'done', not anything
    assert all(v == [] for v in rows.values()), {k: len(v) for k, v in rows.items()}
    assert _files(tmp_path / "out") == {}


@pytest.mark.parametrize("step", list(FAULTS))
def test_failed_rerun_keeps_previous_rows_and_report(inputs, work, monkeypatch, step):
    before_rows, before_files = _rows(work / "db.duckdb"), _files(work / "out")
    assert before_rows["integrations"][0][0] == "keep" and "keep/integration_report.md" in (
        before_files
    )
    FAULTS[step](monkeypatch)
    with pytest.raises(Injected):
        pipeline.run_integration(
            work / "db.duckdb", out_dir=work / "out", **_kwargs(inputs, rna_lfc=0.5)
        )
    assert _rows(work / "db.duckdb") == before_rows
    assert _files(work / "out") == before_files
    assert sorted(p.name for p in (work / "out").iterdir()) == ["keep"]


def test_successful_rerun_replaces_rows_and_report(inputs, work):
    """The control: the same rerun without a fault does change the rows and the report."""
    before_rows, before_files = _rows(work / "db.duckdb"), _files(work / "out")
    pipeline.run_integration(
        work / "db.duckdb", out_dir=work / "out", **_kwargs(inputs, rna_lfc=0.5)
    )
    after = _rows(work / "db.duckdb")
    assert after != before_rows
    with db.connect(work / "db.duckdb", read_only=True) as con:
        assert con.execute(
            "select integration_id, status, rna_lfc from integrations"
        ).fetchall() == [("keep", "done", 0.5)]
        staged = sum(
            con.execute(f"select count(*) from {t} where integration_id like '~%'").fetchall()[0][0]
            for t in staging.integration_tables(con)
        )
    assert staged == 0
    assert _files(work / "out") != before_files
    assert sorted(p.name for p in (work / "out").iterdir()) == ["keep"]


def test_reserved_id_is_rejected(inputs, tmp_path):
    from chromdiff.errors import InputError

    with pytest.raises(InputError, match="reserved"):
        pipeline.run_integration(
            tmp_path / "db.duckdb", **{**_kwargs(inputs), "integration_id": "~staging~x"}
        )


@pytest.mark.prefect
def test_flow_failed_rerun_keeps_previous_rows_and_report(inputs, work, monkeypatch):
    """The same through the Prefect flow (its own wiring of publish / discard)."""
    from flows.integrate import integrate

    before_rows, before_files = _rows(work / "db.duckdb"), _files(work / "out")
    _fail_after(monkeypatch, report, "write_exports")
    with pytest.raises(Injected):
        integrate(rna=str(inputs["rna"]), atac=str(inputs["atac"]), genome="hg38",
                  db_path=str(work / "db.duckdb"), output_dir=str(work / "out"),
                  integration_id="keep",
                  params=IntegrationParams(title="atomic", rna_lfc=0.5))  # fmt: skip
    after = _rows(work / "db.duckdb")
    with db.connect(work / "db.duckdb", read_only=True) as con:
        runs = con.execute("select flow_name, state from flow_runs").fetchall()
    assert after == before_rows and _files(work / "out") == before_files
    assert runs == [("integrate", "failed")]
