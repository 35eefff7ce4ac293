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
    """Return the deployments of ``prefect.yaml``.

    Each: name, served name, entrypoint, parameters, description, tags, schedules (as written,
    every key kept) and ``cron`` (the active cron schedules, ``"0 2 * * * (UTC)"``, for listing).

    ``env`` is the deployment's ``job_variables.env`` (the ``CHROMDIFF_*`` settings a worker
    gives the run); a served run gets them from the serving process's environment instead.
    """
    doc = yaml.safe_load(prefect_yaml.read_text())
    specs = []
    for dep in doc["deployments"]:
        schedules = list(dep.get("schedules") or [])
        specs.append({
            "name": dep["name"],
            "served_name": dep["name"] + SERVED_SUFFIX,
            "entrypoint": dep["entrypoint"],
            "parameters": dep.get("parameters") or {},
            "description": dep.get("description"),
            "tags": list(dep.get("tags") or []),
            "schedules": schedules,
            "cron": [s["cron"] + (f" ({s['timezone']})" if s.get("timezone") else "")
                     for s in schedules if "cron" in s and s.get("active", True)],
            "env": ((dep.get("work_pool") or {}).get("job_variables") or {}).get("env") or {},
        })  # fmt: skip
    return specs


def schedule_objects(schedules: list[dict]) -> list:
    """Return Prefect schedules for ``prefect.yaml`` schedule entries, as ``prefect deploy`` would.

    Cron, interval or rrule entries, with their timezone, ``active`` flag and other keys.
    """
    from prefect.schedules import Cron, Interval, RRule

    out = []
    for entry in schedules:
        rest = dict(entry)
        if "cron" in rest:
            out.append(Cron(rest.pop("cron"), **rest))
        elif "interval" in rest:
            out.append(Interval(rest.pop("interval"), **rest))
        elif "rrule" in rest:
            out.append(RRule(rest.pop("rrule"), **rest))
        else:
            raise ValueError(f"unsupported schedule in prefect.yaml: {entry}")
    return out


def load_flow(entrypoint: str):
    """Import ``path/to/file.py:flow_name`` relative to the project root."""
    from prefect.flows import load_flow_from_entrypoint

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    path, name = entrypoint.split(":")
    return load_flow_from_entrypoint(f"{ROOT / path}:{name}")


def build_deployments(prefect_yaml: Path = PREFECT_YAML) -> list:
    """Build ``RunnerDeployment`` objects for :func:`prefect.serve` from ``prefect.yaml``.

    Every schedule (with its timezone and ``active`` flag), the tags and the description are
    passed on, as ``prefect deploy`` registers them.
    """
    out = []
    for spec in deployment_specs(prefect_yaml):
        fl = load_flow(spec["entrypoint"])
        out.append(fl.to_deployment(
            name=spec["served_name"], parameters=spec["parameters"], tags=spec["tags"],
            description=spec["description"], schedules=schedule_objects(spec["schedules"]),
        ))  # fmt: skip
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
