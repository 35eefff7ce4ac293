"""deployments/prefect.yaml validates against the flows; serve builds the deployments."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = ROOT / "deployments" / "prefect.yaml"


def _serve_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "chromdiff_serve", ROOT / "deployments" / "serve.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_prefect_yaml_validates_against_flow_signatures():
    from prefect.schedules import Cron

    doc = yaml.safe_load(PREFECT_YAML.read_text())
    assert doc["prefect-version"] == "3.9.1"
    assert doc["build"] is None and doc["push"] is None
    mod = _serve_module()
    for dep in doc["deployments"]:
        assert dep["work_pool"]["name"] == "local-process"
        fl = mod.load_flow(dep["entrypoint"])
        sig = inspect.signature(fl.fn)
        sig.bind_partial(**dep["parameters"])  # unknown parameter names raise TypeError
        required = [p.name for p in sig.parameters.values() if p.default is inspect.Parameter.empty]
        missing = [name for name in required if name not in dep["parameters"]]
        # a scheduled run needs every required parameter; an on-demand one gets them from its caller
        assert not (missing and dep.get("schedules")), (dep["name"], missing)
        for s in dep.get("schedules") or []:
            Cron(s["cron"], timezone=s["timezone"])  # raises on an invalid cron
        if "batch_file" in dep["parameters"]:
            from chromdiff.batch.spec import load_batch

            assert load_batch(ROOT / dep["parameters"]["batch_file"])


def test_serve_lists_deployments():
    from chromdiff.cli.cmd_serve import command

    res = CliRunner().invoke(command, ["--project-dir", str(ROOT), "--list"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines() == [
        "nightly-batch-served\tflows/batch.py:batch\t0 2 * * * (UTC)",
        "weekly-batch-refresh-served\tflows/batch.py:batch\t0 4 * * 0 (UTC)",
        "compare-adhoc-served\tflows/compare.py:compare\ton demand",
        "integrate-adhoc-served\tflows/integrate.py:integrate\ton demand",
    ]


def test_serve_builds_runner_deployments():
    deps = _serve_module().build_deployments()
    by = {d.name: d for d in deps}
    assert by["nightly-batch-served"].parameters == {"batch_file": "deployments/nightly_batch.yaml"}
    assert by["weekly-batch-refresh-served"].parameters["force"] is True
    crons = [s.schedule.cron for s in by["nightly-batch-served"].schedules]
    assert crons == ["0 2 * * *"]
    # as prefect deploy registers them: every schedule with its timezone, tags, description
    doc = {d["name"]: d for d in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    for name, dep in doc.items():
        served = by[f"{name}-served"]
        assert served.tags == dep["tags"] and served.description == dep["description"], name
        got = [(s.schedule.cron, s.schedule.timezone, s.active) for s in served.schedules]
        assert got == [(s["cron"], s["timezone"], s["active"]) for s in dep.get("schedules", [])]
    assert not by["compare-adhoc-served"].schedules
    assert not by["integrate-adhoc-served"].schedules


def test_served_names_never_collide_with_work_pool_deployments():
    """Serving must not overwrite what `prefect deploy` registered (pull steps, work pool)."""
    doc = yaml.safe_load(PREFECT_YAML.read_text())
    deployed = {(d["entrypoint"], d["name"]) for d in doc["deployments"]}
    served = {(d.entrypoint, d.name) for d in _serve_module().build_deployments()}
    assert len(served) == len(deployed) == 4
    assert {name for _, name in served}.isdisjoint({name for _, name in deployed})


def test_every_setting_a_run_reads_is_exposed_with_its_default():
    """Each deployment gives its runs every CHROMDIFF_* setting, defaults as in Settings."""
    from chromdiff.settings import Settings

    defaults = Settings.model_construct()
    doc = yaml.safe_load(PREFECT_YAML.read_text())
    ops = (ROOT / "docs" / "operations.md").read_text()
    for dep in doc["deployments"]:
        env = dep["work_pool"]["job_variables"]["env"]
        assert set(env) == {f"CHROMDIFF_{f.upper()}" for f in Settings.model_fields}, dep["name"]
        for field in Settings.model_fields:
            value = env[f"CHROMDIFF_{field.upper()}"]
            assert isinstance(value, str), (field, value)  # job env values are strings
            parsed = Settings(**{field: value}) if value else None
            want = getattr(defaults, field)
            assert (getattr(parsed, field) if parsed else None) == (want or None), field
    for field in Settings.model_fields:
        assert f"`CHROMDIFF_{field.upper()}`" in ops, field
    assert "`CHROMDIFF_SQL_DIR`" in ops and "--param base_url=" in ops


def test_serve_refuses_without_a_server(monkeypatch):
    from chromdiff.cli.cmd_serve import command

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    res = CliRunner().invoke(command, ["--project-dir", str(ROOT)])
    assert res.exit_code == 1
    assert "PREFECT_API_URL is not set" in str(res.exception)


def test_integrate_deployment_parameters_coerce_to_integration_params():
    """A deployment passes JSON: the flow's parameter validation must rebuild the dataclass."""
    from chromdiff.integration.params import IntegrationParams

    spec = next(d for d in _serve_module().deployment_specs() if d["name"] == "integrate-adhoc")
    fl = _serve_module().load_flow(spec["entrypoint"])
    params = fl.validate_parameters(spec["parameters"])["params"]
    assert isinstance(params, IntegrationParams) and params.simulated
    assert params == IntegrationParams(title="integration adhoc simulated", simulated=True)
    schema = fl.to_deployment(name="x", parameters=spec["parameters"])._parameter_openapi_schema
    assert "IntegrationParams" in schema.definitions


def test_adhoc_compare_never_defaults_to_another_comparisons_id_or_labels():
    """compare-adhoc defaulted to the nightly's comparison_id and labels: a run given other IDs
    replaced the nightly's result, still labelled MOLM-13 / K-562."""
    adhoc = next(d for d in _serve_module().deployment_specs() if d["name"] == "compare-adhoc")
    assert not {"comparison_id", "description_a", "description_b"} & set(adhoc["parameters"])
    fl = _serve_module().load_flow(adhoc["entrypoint"])
    schema = fl.to_deployment(name="x", parameters=adhoc["parameters"])._parameter_openapi_schema
    assert {"ids_a", "ids_b"} <= set(schema.required)  # Prefect refuses a run without them


@pytest.mark.prefect
@pytest.mark.slow
def test_prefect_deploy_needs_no_environment_variable_for_the_working_directory(tmp_path):
    """The pull step read '{{ $CHROMDIFF_PROJECT_DIR }}': deployed without that variable, it
    stored the literal template, and each run failed only at its scheduled time."""
    import asyncio
    import os
    import subprocess
    import sys

    from prefect.client.orchestration import get_client
    from prefect.settings import get_current_settings

    env = {k: v for k, v in os.environ.items() if k != "CHROMDIFF_PROJECT_DIR"}
    env["PREFECT_API_URL"] = str(get_current_settings().api.url)
    prefect_bin = str(Path(sys.executable).parent / "prefect")

    def prefect(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([prefect_bin, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    prefect("work-pool", "create", "local-process", "--type", "process")
    done = prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    async def pull_steps() -> dict:
        async with get_client() as client:
            names = ("batch/nightly-batch", "compare/compare-adhoc")
            return {n: (await client.read_deployment_by_name(n)).pull_steps for n in names}

    for name, steps in asyncio.run(pull_steps()).items():
        step = steps[0]["prefect.deployments.steps.set_working_directory"]
        assert step["directory"] == str(ROOT), (name, steps)
