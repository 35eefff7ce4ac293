"""``chromdiff demo``: the whole comparison flow offline, against the built-in fake server."""

from __future__ import annotations

import os
from pathlib import Path

import click

DEMO_EXAMPLE = "tp53_k562_dmso_vs_daunorubicin"
DEMO_INTEGRATION = "atac_rna_demo_simulated"
DEMO_LOCAL = "local_demo_simulated"
#: Poll the in-process fake server quickly (it finishes in seconds, not minutes).
DEMO_POLL_INTERVAL_S = "0.2"


def run_demo(output_dir: str | Path) -> dict:
    """Run the compare flow on :data:`DEMO_EXAMPLE` against an in-process fake server.

    Writes ``<output_dir>/chromdiff.duckdb`` and ``<output_dir>/<comparison_id>/``. Later steps
    (annotation, report) run inside the flow; then one local comparison (simulated user data vs
    a simulated ChIP-Atlas cache, DA's pipeline run here: :func:`run_local_demo`) goes into the
    same database beside it, and the ATAC x RNA integration demo runs on simulated data
    (:func:`run_integration_demo`).

    Returns
    -------
    dict
        The compare flow summary plus ``db_path`` and ``output_dir``.
    """
    from chromdiff.cli.prefect_hint import prefect_hint
    from chromdiff.design.examples import get_example
    from chromdiff.fakeapi import FakeChipAtlas
    from chromdiff.settings import get_settings

    prefect_hint()
    from flows.compare import compare

    out = Path(output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "chromdiff.duckdb"
    ex = get_example(DEMO_EXAMPLE)
    os.environ.setdefault("CHROMDIFF_POLL_INTERVAL_S", DEMO_POLL_INTERVAL_S)
    get_settings.cache_clear()
    with FakeChipAtlas(port=0) as server:
        summary = compare(
            ids_a=list(ex.ids_a), ids_b=list(ex.ids_b), genome=ex.genome, analysis=ex.analysis,
            db_path=str(db_path), comparison_id=DEMO_EXAMPLE,
            title="TP53 K562 DMSO vs daunorubicin simulated",
            description_a=ex.description_a, description_b=ex.description_b,
            base_url=server.base_url, output_dir=str(out),
        )  # fmt: skip
    local = run_local_demo(out, db_path)
    integration = run_integration_demo(out, db_path)
    return summary | {"db_path": str(db_path), "root": str(out), "integration": integration,
                      "local": local}  # fmt: skip


def run_local_demo(out: Path, db_path: Path) -> dict:
    """Simulate user bigWigs + a ChIP-Atlas cache and run ``compare --local`` on them."""
    from chromdiff.design.inputs import read_ids
    from chromdiff.local.simulate import simulate_local_inputs
    from flows.compare_local import compare_local

    paths = simulate_local_inputs(out / "local_inputs")
    return compare_local(
        ids_a=read_ids(paths["mine"]), ids_b=read_ids(paths["public"]), genome="hg38",
        db_path=str(db_path), comparison_id=DEMO_LOCAL, title="local demo simulated",
        description_a="my samples", description_b="public samples", output_dir=str(out),
        cache_dir=str(paths["cache"]), simulated=True,
    )  # fmt: skip


def run_integration_demo(out: Path, db_path: Path) -> dict:
    """Simulate matched ATAC + RNA data (planted genes) and run the integration flow on it."""
    from chromdiff.integration.params import IntegrationParams
    from chromdiff.integration.simulate import simulate
    from flows.integrate import integrate

    paths = simulate(out / "integration_inputs")
    params = IntegrationParams(title="ATAC x RNA demo simulated", simulated=True)
    return integrate(rna=str(paths["rna"]), atac=str(paths["atac"]), genome="hg38",
                     db_path=str(db_path), output_dir=str(out), integration_id=DEMO_INTEGRATION,
                     params=params)  # fmt: skip


def demo_status(out: dict) -> str:
    """Say what this run did: ``loaded`` now, or ``skipped`` (loaded by an earlier run)."""
    return "skipped (already loaded; unchanged inputs)" if out.get("skipped") else out["status"]


@click.command()
@click.option("--output", "output_dir", type=click.Path(file_okay=False), default="demo_output",
              show_default=True, help="Folder for the database and outputs.")  # fmt: skip
def command(output_dir: str) -> None:
    """Run the built-in TP53 example offline (fake server) and a local one beside it (simulated)."""
    click.echo(f"demo: {DEMO_EXAMPLE} against the offline fake server (simulated data)", err=True)
    out = run_demo(output_dir)
    click.echo(f"comparison {out['comparison_id']}: {demo_status(out)}, {out['n_regions']} regions")
    loc = out["local"]
    click.echo(
        f"comparison {loc['comparison_id']} (local, DA pipeline on this machine): "
        f"{demo_status(loc)}, {loc['n_regions']} regions of {loc['n_union_regions']} union regions"
    )
    click.echo(f"database: {out['db_path']}")
    click.echo(f"outputs:  {out['output_dir']}, {loc['output_dir']}")
    from chromdiff.cli.cmd_integrate import print_summary

    print_summary(out["integration"])
