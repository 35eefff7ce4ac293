"""``chromdiff serve``: run the deployments of deployments/prefect.yaml from one process."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import click

from chromdiff._env import REPO_ROOT
from chromdiff.errors import InputError

NO_SERVER = (
    "PREFECT_API_URL is not set: serving against Prefect's temporary server would register the "
    "deployments in a server that vanishes when serve stops, and `prefect deployment run` from "
    "another shell could not reach it. Start a server first (docs/operations.md, 'Serve'): "
    "`prefect server start` in one shell, then `export PREFECT_API_URL=http://127.0.0.1:4200/api`"
)


def _serve_module(root: Path):
    path = root / "deployments" / "serve.py"
    if not path.is_file():
        raise InputError(f"{path} not found: pass --project-dir (the chromdiff checkout)")
    spec = importlib.util.spec_from_file_location("chromdiff_serve", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@click.command("serve")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Project root holding deployments/serve.py and flows/ [this checkout].",
)
@click.option("--list", "list_only", is_flag=True, help="List the served deployments and exit.")
def command(project_dir: str | None, list_only: bool) -> None:
    """Serve every deployment (cron schedules included) until interrupted; no worker needed.

    Served deployments are named ``<name>-served`` (``compare/compare-adhoc-served``), so they
    coexist with the work-pool deployments ``prefect deploy`` registers under the plain names.
    """
    root = Path(project_dir).resolve() if project_dir else (REPO_ROOT or Path.cwd())
    module = _serve_module(root)
    specs = module.deployment_specs()
    if list_only:
        for d in specs:
            click.echo(
                f"{d['served_name']}\t{d['entrypoint']}\t{','.join(d['cron']) or 'on demand'}"
            )
        return
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        raise InputError(NO_SERVER)
    os.chdir(root)  # batch_file parameters are relative to the project root
    deployments = module.build_deployments()
    click.echo(f"serving {len(deployments)} deployments on {api} (Ctrl-C stops):", err=True)
    for dep in deployments:
        click.echo(f"  prefect deployment run '{dep.flow_name}/{dep.name}'", err=True)
    module.serve_until_interrupted(deployments)
    click.echo("serve stopped", err=True)
