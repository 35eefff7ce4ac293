"""Names of flow runs in the Prefect UI: what a run works on, not Prefect's random two words.

``compare-<comparison_id>`` (given, or derived from the inputs as the flow derives it; a
``--local`` run's derived ID has ``_local_`` in it) and ``batch-<batch file stem>``. The flows
pass these as ``flow_run_name`` callables; a name must never fail a run, so anything unexpected
falls back to a plain name.
"""

from __future__ import annotations

from pathlib import Path


def compare_run_name(parameters: dict, *, local: bool = False) -> str:
    """Return ``compare-<comparison_id>`` for the parameters of a ``compare`` run.

    Without a ``comparison_id`` the name is the ID the flow will derive from the inputs
    (``hg38_diffbind_<hash>``; ``local``: a ``compare-local`` run's ``hg38_diffbind_local_<hash>``);
    inputs the flow will refuse give ``compare-<title>`` or ``compare-<genome>_<analysis>``.
    """
    from chromdiff.design.comparison import ComparisonSpec

    p = parameters or {}
    if p.get("comparison_id"):
        return f"compare-{p['comparison_id']}"
    try:
        spec = ComparisonSpec(
            list(p["ids_a"]), list(p["ids_b"]), p.get("genome") or "hg38",
            p.get("analysis") or "diffbind", p.get("threshold"), p.get("title"),
            p.get("description_a") or "dataset A", p.get("description_b") or "dataset B",
        )  # fmt: skip
        return f"compare-{spec.validated().default_id(local=local)}"
    except Exception:  # noqa: BLE001 - the flow itself reports bad inputs
        fallback = f"{p.get('genome') or 'hg38'}_{p.get('analysis') or 'diffbind'}"
        return f"compare-{p.get('title') or fallback}"


def batch_run_name(parameters: dict) -> str:
    """Return ``batch-<file stem>`` (``+only-a,b`` when ``only`` picks comparisons)."""
    p = parameters or {}
    name = f"batch-{Path(str(p.get('batch_file') or 'batch')).stem}"
    return name + (f"+only-{','.join(p['only'])}" if p.get("only") else "")


def current_parameters() -> dict:
    """Return the parameters of the flow run being named (empty outside a flow run)."""
    try:
        from prefect.runtime import flow_run

        return dict(flow_run.parameters or {})
    except Exception:  # noqa: BLE001 - a name must never fail a run
        return {}
