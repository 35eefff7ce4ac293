"""``chromdiff serve``: run the scheduled deployments of deployments/prefect.yaml on one machine."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import click

from chromdiff.errors import InputError


@click.command("serve")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Project root holding deployments/serve.py and flows/.",
)
@click.option("--list", "list_only", is_flag=True, help="List the deployments and exit.")
def command(project_dir: str, list_only: bool) -> None:
    """Serve every deployment (cron schedules included) until interrupted; no worker needed."""
    root = Path(project_dir).resolve()
    path = root / "deployments" / "serve.py"
    if not path.is_file():
        raise InputError(f"{path} not found: run from the project root or pass --project-dir")
    spec = importlib.util.spec_from_file_location("chromdiff_serve", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if list_only:
        for d in module.deployment_specs():
            click.echo(f"{d['name']}\t{d['entrypoint']}\t{','.join(d['cron']) or 'on demand'}")
        return
    os.chdir(root)  # batch_file parameters are relative to the project root
    module.main()
