"""The measured operations: chromdiff parse + load into DuckDB, the pandas baseline, QC views."""

from __future__ import annotations

from pathlib import Path

from chromdiff.design.comparison import ComparisonSpec, register
from chromdiff.parsing import result as parsing
from chromdiff.warehouse import db
from chromdiff.warehouse.load import load_bed, load_result
from chromdiff.warehouse.sqlfiles import view_files

COMPARISON_ID = "bench_diffbind"


def prepare_db(db_path: Path, ids_a: list[str], ids_b: list[str]) -> None:
    """Create ``db_path`` with the schema and a registered comparison (not timed)."""
    spec = ComparisonSpec(ids_a, ids_b, title="bench simulated").validated()
    with db.writer(db_path) as con:
        register(con, COMPARISON_ID, spec, base_url="http://127.0.0.1/", simulated=True)


def chromdiff_load(bed: Path, db_path: Path, ids_a: list[str], ids_b: list[str]) -> dict:
    """Parse, validate and load ``bed`` atomically into ``db_path`` inside the target connection."""
    with db.connect(db_path) as con:
        return load_bed(con, COMPARISON_ID, bed, "diffbind", ids_a, ids_b)


def chromdiff_parse_then_load(bed: Path, db_path: Path, ids_a: list[str], ids_b: list[str]) -> dict:
    """Two steps via Arrow: ``parse_result`` then ``load_result`` (separate parse/load tasks)."""
    parsed = parsing.parse_result(bed, "diffbind", ids_a, ids_b)
    with db.connect(db_path) as con:
        return load_result(con, COMPARISON_ID, parsed)


def qc_view_names() -> list[str]:
    """Every QC view (``sql/qc/*.sql``), ``qc_findings`` last."""
    names = [p.stem for p in view_files() if p.parent.name == "qc"]
    return sorted(names, key=lambda n: (n == "qc_findings", n))


def run_qc(db_path: Path) -> dict[str, int]:
    """Materialise every QC view over the whole database; return rows per view."""
    out = {}
    with db.connect(db_path) as con:
        for name in qc_view_names():
            con.execute(f"create or replace temp table _qc as select * from {name}")
            out[name] = con.execute("select count(*) from _qc").fetchall()[0][0]
    return out
