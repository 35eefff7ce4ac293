"""Serve chromdiff's scheduled deployments from one process (no work pool, no worker).

``python deployments/serve.py`` or ``chromdiff serve``: the schedules of ``prefect.yaml``
(nightly batch, weekly forced refresh) plus an unscheduled ad-hoc compare deployment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = Path(__file__).with_name("prefect.yaml")


def deployment_specs(prefect_yaml: Path = PREFECT_YAML) -> list[dict]:
    """Return the deployments of ``prefect.yaml`` (name, entrypoint, parameters, cron list)."""
    doc = yaml.safe_load(prefect_yaml.read_text())
    specs = []
    for dep in doc["deployments"]:
        specs.append({
            "name": dep["name"],
            "entrypoint": dep["entrypoint"],
            "parameters": dep.get("parameters") or {},
            "cron": [s["cron"] for s in dep.get("schedules") or [] if s.get("active", True)],
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
        out.append(fl.to_deployment(name=spec["name"], parameters=spec["parameters"], **kwargs))
    return out


def main() -> None:
    """Serve every deployment until interrupted."""
    from prefect import serve

    serve(*build_deployments())


if __name__ == "__main__":
    main()
