"""Gather everything the report shows for one comparison from the named SQL views."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from chromdiff.design.comparison import LOCAL_URL_PREFIX
from chromdiff.errors import InputError
from chromdiff.report.queries import view_frame
from chromdiff.report.snapshot import one_comparison


@dataclass
class ReportContext:
    """The facts of one comparison report (all read from the database).

    Attributes
    ----------
    comparison : dict
        The ``comparisons`` row.
    params : dict
        The ``comparison_params`` row (significance and QC thresholds).
    experiments : pandas.DataFrame
        ``experiment_id, grp, input_order`` of both groups.
    counts : dict
        The ``rpt_direction_counts`` row (zeros when the comparison has no regions).
    findings : pandas.DataFrame
        ``qc_findings`` rows in check order.
    top : pandas.DataFrame
        ``rpt_top_regions`` rows in rank order.
    sex_chroms : list of str
        Chromosomes flagged by a sex-chromosome finding (marked ``*`` in the tables).
    annotation_id : str or None
        The gene annotation build the regions were annotated with; None when none was (no
        embedded annotation for the genome, and no ``chromdiff annotate --comparison --gtf``).
    sizes : dict
        The ``comparison_group_sizes`` row: experiments compared (``n_a``, ``n_b``) and
        submitted (``n_a_submitted``, ``n_b_submitted``) per group.
    engine : str or None
        A local run's edgeR engine (``local_runs.engine``: ``numpy`` or ``r``), else None.
    annotation_version : str or None
        ``annotation_sources.version`` of ``annotation_id`` (the sources it was built from).
    enriched : bool
        The comparison's enrichment run tested something (it has results; a run of only
        "skipped" notes tested nothing, so GREAT and GO are not cited).
    """

    comparison: dict
    params: dict
    experiments: pd.DataFrame
    counts: dict
    findings: pd.DataFrame
    top: pd.DataFrame
    sex_chroms: list[str] = field(default_factory=list)
    annotation_id: str | None = None
    sizes: dict = field(default_factory=dict)
    engine: str | None = None
    annotation_version: str | None = None
    enriched: bool = False

    def group_n(self, grp: str) -> str:
        """``n=3``, or ``n=1 compared of 2 submitted`` when the server dropped some (A or B)."""
        g = grp.lower()
        n = self.sizes.get(f"n_{g}", self.comparison[f"n_{g}"])
        sub = self.sizes.get(f"n_{g}_submitted", n)
        return f"n={n}" if n == sub else f"n={n} compared of {sub} submitted"

    @property
    def is_dmr(self) -> bool:
        """Whether the comparison is a metilene DMR analysis (effect = meth_diff, no counts)."""
        return self.comparison["analysis"] == "dmr"

    @property
    def label_a(self) -> str:
        """Legend label of group A."""
        return f"{self.comparison['description_a']} " + ("hyper" if self.is_dmr else "enriched")

    @property
    def label_b(self) -> str:
        """Legend label of group B."""
        return f"{self.comparison['description_b']} " + ("hyper" if self.is_dmr else "enriched")

    def ids(self, grp: str) -> list[str]:
        """Experiment IDs of group ``grp`` in input order."""
        e = self.experiments
        return e.loc[e["grp"] == grp].sort_values("input_order")["experiment_id"].tolist()

    def ids_labelled(self, grp: str) -> list[str]:
        """Return group ``grp``'s IDs in input order, labelled with the server's use.

        A GSM shows the SRX it was counted under; an ID the server dropped says so, and so does
        one it counted under an SRX it does not name.
        """
        e = self.experiments
        rows = e.loc[e["grp"] == grp].sort_values("input_order").to_dict("records")
        out = []
        for r in rows:
            label, server, dropped = r["experiment_id"], r.get("server_id"), r.get("dropped")
            if isinstance(dropped, str) and dropped:  # a local run has no server
                local = str(self.comparison.get("base_url") or "").startswith(LOCAL_URL_PREFIX)
                label += " (not compared)" if local else " (not used by the server)"
            elif isinstance(r.get("unattributed"), str) and r["unattributed"]:
                label += " (compared; its SRX is not named)"
            elif isinstance(server, str) and server and server != label:
                label += f" (= {server})"
            out.append(label)
        return out


def _one_row(con: duckdb.DuckDBPyConnection, table: str, comparison_id: str) -> dict | None:
    rel = con.sql(f"select * from {table} where comparison_id = ?", params=[comparison_id])
    rows = rel.to_arrow_table().to_pylist()
    return rows[0] if rows else None


def collect_context(con: duckdb.DuckDBPyConnection, comparison_id: str) -> ReportContext:
    """Read the report's facts for ``comparison_id``.

    Raises
    ------
    InputError
        If the comparison does not exist.
    """
    comparison = _one_row(con, "comparisons", comparison_id)
    if comparison is None:
        raise InputError(f"comparison {comparison_id!r} is not in the database")
    params = _one_row(con, "comparison_params", comparison_id)
    if params is None:
        raise InputError(f"comparison {comparison_id!r} has no comparison_params row")
    # one reading of regions_unfiltered for the counts, every QC check and the top table
    with one_comparison(con, comparison_id, params["top_n"]):
        counts = _one_row(con, "rpt_direction_counts", comparison_id) or {}
        findings = view_frame(con, "qc_findings", comparison_id, "check_order, check_name, detail")
        top = view_frame(con, "rpt_top_regions", comparison_id, "rank")
    sex = sorted(
        {
            json.loads(ev)["chrom"]
            for name, ev in zip(findings["check_name"], findings["evidence"], strict=True)
            if name.startswith("sex_chrom_confound")
        }
    )
    return ReportContext(
        comparison=comparison,
        params=params,
        experiments=view_frame(con, "experiments", comparison_id, "grp, input_order"),
        counts=counts,
        findings=findings,
        top=top,
        sex_chroms=sex,
        annotation_id=con.execute(
            "select min(annotation_id) from region_annotation where comparison_id = ?",
            [comparison_id],
        ).fetchall()[0][0],
        sizes=_one_row(con, "comparison_group_sizes", comparison_id) or {},
        **_provenance(con, comparison_id),
    )


def _provenance(con: duckdb.DuckDBPyConnection, comparison_id: str) -> dict:
    """Return the Methods' facts: local engine, annotation build version, enrichment run."""
    from chromdiff.design.comparison import enrichment_run_id

    engine, version, enriched = con.execute(
        """select (select engine from local_runs where comparison_id = $c),
                  (select min(s.version) from annotation_sources s
                   where s.annotation_id = (select min(annotation_id) from region_annotation
                                            where comparison_id = $c)),
                  exists (select 1 from enrichment_results where run_id = $r)""",
        {"c": comparison_id, "r": enrichment_run_id(comparison_id)},
    ).fetchall()[0]
    return {"engine": engine, "annotation_version": version, "enriched": bool(enriched)}
