"""Serve chromdiff's deployments from one process (no work pool, no worker).

``chromdiff serve`` (or ``python deployments/serve.py``): the deployments of ``prefect.yaml``
(nightly batch, weekly forced refresh, ad-hoc compare and integrate), each registered under its
name plus :data:`SERVED_SUFFIX` (``nightly-batch-served``), so serving never overwrites the
work-pool deployments that ``prefect deploy`` registers (their pull steps and work pool would be
lost, and the worker's next run would fail). Serving needs a running server (``PREFECT_API_URL``):
a temporary one would vanish with this process, and with it every deployment and run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = Path(__file__).with_name("prefect.yaml")
#: Served deployments are named ``<prefect.yaml name><SERVED_SUFFIX>``.
SERVED_SUFFIX = "-served"


def deployment_specs(prefect_yaml: Path = PREFECT_YAML) -> list[dict]:
    """Return the deployments of ``prefect.yaml`` (name, served name, entrypoint, parameters, cron).

    ``env`` is the deployment's ``job_variables.env`` (the ``CHROMDIFF_*`` settings a worker
    gives the run); a served run gets them from the serving process's environment instead.
    """
    doc = yaml.safe_load(prefect_yaml.read_text())
    specs = []
    for dep in doc["deployments"]:
        specs.append({
            "name": dep["name"],
            "served_name": dep["name"] + SERVED_SUFFIX,
            "entrypoint": dep["entrypoint"],
            "parameters": dep.get("parameters") or {},
            "cron": [s["cron"] for s in dep.get("schedules") or [] if s.get("active", True)],
            "env": ((dep.get("work_pool") or {}).get("job_variables") or {}).get("env") or {},
        })  # fmt: skip
    return specs


def load_flow(entrypoint: str):
    """Import ``path/to/file.py:flow_name`` relative to the project root."""
    from prefect.flows import load_flow_from_entrypoint

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    path, name = entrypoint.split(":")
    return load_flow_from_entrypoint(f"{ROOT / path}:{name}")


def build_deployments(prefect_yaml: Path = PREFECT_YAML) -> list:
    """Build ``RunnerDeployment`` objects for :func:`prefect.serve` from ``prefect.yaml``."""
    out = []
    for spec in deployment_specs(prefect_yaml):
        fl = load_flow(spec["entrypoint"])
        kwargs = {"cron": spec["cron"][0]} if spec["cron"] else {}
        out.append(fl.to_deployment(name=spec["served_name"], parameters=spec["parameters"],
                                    **kwargs))  # fmt: skip
    return out


def serve_until_interrupted(deployments: list) -> None:
    """Serve ``deployments`` until Ctrl-C or SIGTERM (Prefect pauses their schedules on exit)."""
    from prefect import serve

    serve(*deployments, print_starting_message=False)


def main() -> None:
    """Serve every deployment until interrupted (refuses without ``PREFECT_API_URL``)."""
    if not os.environ.get("PREFECT_API_URL"):
        sys.exit("PREFECT_API_URL is not set: start a server first (docs/operations.md, 'Serve')")
    serve_until_interrupted(build_deployments())


if __name__ == "__main__":
    main()
