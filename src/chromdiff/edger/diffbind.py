"""The edgeR step of ChIP-Atlas's diffbind analysis on a named count table, by either engine.

``edgeR.r`` (inutano/chip-atlas ``script/update_2025/DA/edgeR.r``) reads the count table whose
columns DA's ``combine_counts`` (``DA:516-538``) wrote in shell-glob order of the per-sample
count files, i.e. sorted by experiment name, and groups them with ``%in% srx_a``
(``edgeR.r:19-21``). :func:`run_edger` takes that table, puts group A's columns first (each
group keeps its sorted order, as ``edgeR.r:64``'s ``order(group)`` does for the written counts)
and runs

* ``engine="numpy"``: :func:`chromdiff.edger.classic.edger_classic` (checked against edgeR
  3.40 in ``tests/test_edger_oracle.py``), or
* ``engine="r"``: real edgeR through ``Rscript`` and ``diffbind.R`` (same calls as edgeR.r).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from chromdiff.errors import ChromdiffError

ENGINES = ("numpy", "r")
R_SCRIPT = Path(__file__).with_name("diffbind.R")


class EngineUnavailableError(ChromdiffError):
    """``--engine r`` was asked for but Rscript with edgeR is not installed."""


@dataclass
class DiffbindStats:
    """edgeR's answer for the rows ``filterByExpr`` keeps (row order of the input table)."""

    keep: np.ndarray  # bool, one per input row
    norm_a: np.ndarray  # (k, n_a) pseudo-counts (or CPM when 1 vs 1), sorted names of A
    norm_b: np.ndarray  # (k, n_b)
    logfc: np.ndarray  # log2(A/B): exactTest(pair = 2:1)
    pvalue: np.ndarray
    fdr: np.ndarray
    engine: str


def split_groups(names: list[str], groups: list[str]) -> tuple[list[int], list[int]]:
    """Column indexes of group A and of group B, each in sorted-name order."""
    idx_a = sorted((i for i, g in enumerate(groups) if g == "A"), key=lambda i: names[i])
    idx_b = sorted((i for i, g in enumerate(groups) if g == "B"), key=lambda i: names[i])
    return idx_a, idx_b


def run_edger(counts: np.ndarray, names: list[str], groups: list[str],
              engine: str = "numpy") -> DiffbindStats:  # fmt: skip
    """Run edgeR.r's steps on ``counts`` (regions x experiments, columns ``names``).

    Raises
    ------
    EngineUnavailableError
        ``engine="r"`` without Rscript + edgeR.
    ValueError
        Unknown engine, or a group without experiments.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown edgeR engine {engine!r} (numpy or r)")
    idx_a, idx_b = split_groups(names, groups)
    if not idx_a or not idx_b:
        raise ValueError("edgeR needs at least one experiment in each group")
    if engine == "r":
        return _run_r(np.asarray(counts), names, groups, idx_a, idx_b)
    from chromdiff.edger.classic import edger_classic

    res = edger_classic(np.asarray(counts)[:, idx_a + idx_b], len(idx_a), len(idx_b))
    n_a = len(idx_a)
    return DiffbindStats(res.keep, res.pseudo[:, :n_a], res.pseudo[:, n_a:], res.logfc,
                         res.pvalue, res.fdr, "numpy")  # fmt: skip


def r_available() -> bool:
    """Return True when ``Rscript`` can load edgeR."""
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "suppressPackageStartupMessages(library(edgeR))"],
                           capture_output=True, timeout=120)  # fmt: skip
    return probe.returncode == 0


def _run_r(counts, names, groups, idx_a, idx_b) -> DiffbindStats:
    if not r_available():
        raise EngineUnavailableError(
            "--engine r needs Rscript with the edgeR package (Debian: apt-get install "
            "r-bioc-edger); use --engine numpy (the default) otherwise"
        )
    with tempfile.TemporaryDirectory(prefix="chromdiff_edger_") as tmp:
        tmp = Path(tmp)
        rows = [f"peak_{i}" for i in range(1, counts.shape[0] + 1)]
        table = pd.DataFrame(counts.astype(np.int64), columns=names, index=rows)
        table.index.name = "Peak"
        table.to_csv(tmp / "count_table.csv")
        pd.DataFrame({"n": names, "g": groups}).to_csv(tmp / "groups.tsv", sep="\t",
                                                       header=False, index=False)  # fmt: skip
        proc = subprocess.run(
            ["Rscript", str(R_SCRIPT), str(tmp / "count_table.csv"), str(tmp / "groups.tsv"),
             str(tmp / "edger.tsv")], capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        if proc.returncode != 0:
            raise ChromdiffError(f"edgeR (Rscript {R_SCRIPT.name}) failed: {r_error(proc.stderr)}")
        out = pd.read_csv(tmp / "edger.tsv", sep="\t", dtype={"Peak": str})
    pos = {r: i for i, r in enumerate(rows)}
    kept = np.array([pos[r] for r in out["Peak"]])
    order = np.argsort(kept)
    out, kept = out.iloc[order], kept[order]
    keep = np.zeros(counts.shape[0], bool)
    keep[kept] = True
    a = [names[i] for i in idx_a]
    b = [names[i] for i in idx_b]
    return DiffbindStats(keep, out[a].to_numpy(float), out[b].to_numpy(float),
                         out["logFC"].to_numpy(float), out["PValue"].to_numpy(float),
                         out["FDR"].to_numpy(float), "r")  # fmt: skip


def r_error(stderr: str) -> str:
    """Return R's own error message from ``stderr``, not its closing ``Execution halted``.

    R prints ``Error in f(...) : message`` (or ``Error: message``), possibly over several
    lines, then ``Execution halted``; the message starts at the last line beginning ``Error``.
    """
    lines = [line.strip() for line in stderr.strip().splitlines()]
    lines = [line for line in lines
             if line and line != "Execution halted" and not line.startswith("Calls:")]  # fmt: skip
    starts = [i for i, line in enumerate(lines) if line.startswith("Error")]
    if starts:
        return " ".join(lines[starts[-1] :])
    return lines[-1] if lines else "no message"
