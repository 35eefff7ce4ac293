"""The QC of a comparison used as an integration's peak side (``integrate --comparison``).

An integration of a comparison inherits its QC: the verdict (``qc_verdict``) and each major
finding (``qc_findings``) become notes of the integration, shown as warnings in the CLI output
and at the top of the report. The chromosomes the QC says to leave out of interpretation are
left out of the peak side by default (``keep=True`` keeps them, with a warning):

* a sex-chromosome confound (``sex_chrom_confound``, ``sex_chrom_confound_significant``; the
  finding ends "exclude chrY from interpretation"): the groups differ in sex, so the
  chromosome's differences are not differential binding (docs/qc_and_reports.md);
* a major chrM enrichment (``chrm_enrichment``; "consider excluding chrM"): mtDNA lacks
  histones, the signal is likely non-specific.

Other findings name no region to drop (a genomic cluster asks for a look in a browser, the
sample size or dropped IDs concern the whole design), so they are reported, not applied.
"""

from __future__ import annotations

import json

import duckdb

from chromdiff.errors import InputError
from chromdiff.report.snapshot import one_comparison

#: check_name -> (what it found, the chromosome it names: its evidence's ``chrom`` when None).
EXCLUDING = {
    "sex_chrom_confound": ("sex-chromosome confound", None),
    "sex_chrom_confound_significant": ("sex-chromosome confound", None),
    "chrm_enrichment": ("chrM enrichment", "chrM"),
}
#: Note kinds shown as warnings (CLI ``warning:`` lines, report caveats); a verdict note only
#: when the verdict is ``fail``.
WARNING_KINDS = ("qc_finding", "qc_excluded", "qc_kept")


def is_warning(note: tuple) -> bool:
    """Tell whether a ``(side, kind, n, example, message)`` note is a warning (shown first)."""
    return note[1] in WARNING_KINDS or (note[1] == "qc_verdict" and note[3] == "fail")


def warning_order(note: tuple) -> int:
    """Sort key of warning notes: the verdict, the findings, then what they excluded."""
    first = ("qc_verdict", "qc_finding")
    return first.index(note[1]) if note[1] in first else len(first)


def excluded_chroms(findings: list[tuple]) -> dict[str, str]:
    """Return the chromosomes a comparison's QC findings exclude from interpretation.

    Parameters
    ----------
    findings : list of tuple
        ``(check, severity, evidence)`` rows of ``qc_findings``; only major findings of the
        checks in ``EXCLUDING`` exclude a chromosome.

    Returns
    -------
    dict
        Chromosome -> what the finding is (the first finding naming it wins).
    """
    out: dict[str, str] = {}
    for check, severity, evidence in findings:
        if check not in EXCLUDING or severity != "major":
            continue
        what, chrom = EXCLUDING[check]
        chrom = chrom or json.loads(evidence)["chrom"]
        out.setdefault(chrom, what)
    return out


def apply_comparison_qc(
    con: duckdb.DuckDBPyConnection, comparison_id: str, table: str, *, keep: bool = False
) -> list[tuple]:
    """Note the comparison's QC and drop the peaks of ``table`` it excludes (unless ``keep``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the comparison and the temp table ``table``.
    comparison_id : str
        The comparison whose QC verdict and findings are read.
    table : str
        The peak side (a ``chrom`` column); rows on excluded chromosomes are deleted.
    keep : bool
        Keep those rows (``--keep-qc-excluded``); the notes then say so.

    Returns
    -------
    list of tuple
        Notes ``(side, kind, n, example, message)``: ``qc_verdict``, one ``qc_finding`` per
        major finding, and ``qc_excluded`` (peaks left out) or ``qc_kept`` (``keep``).

    Raises
    ------
    InputError
        Every peak is on an excluded chromosome (``keep`` keeps them).
    """
    with one_comparison(con, comparison_id):  # the QC views read this comparison alone
        verdict, n_findings, reason = con.execute(
            "select verdict, n_findings, reason from qc_verdict where comparison_id = ?",
            [comparison_id],
        ).fetchall()[0]
        findings = con.execute(
            "select check_name, severity, detail, evidence from qc_findings "
            "where comparison_id = ? order by check_order, check_name, detail",
            [comparison_id],
        ).fetchall()
    notes = [
        ("peaks", "qc_verdict", n_findings, verdict,
         f"comparison {comparison_id}: QC verdict {verdict}: "
         + reason.replace("see the report", "see the comparison's report")),
    ]  # fmt: skip
    notes += [
        ("peaks", "qc_finding", 1, check, f"comparison QC, {check} (major): {detail}")
        for check, severity, detail, _ in findings
        if severity == "major"
    ]
    drop = excluded_chroms([(c, s, e) for c, s, _, e in findings])
    if not drop:
        return notes
    chroms = sorted(drop)
    n, total = con.execute(
        f"select count(*) filter (where list_contains(?, chrom)), count(*) from {table}",
        [chroms],
    ).fetchall()[0]
    if n == 0:
        return notes
    why = "; ".join(f"{c}: {drop[c]}" for c in chroms)
    names = ", ".join(chroms)
    if keep:
        notes.append(("peaks", "qc_kept", n, names,
                      f"{n} peaks on {names} kept (--keep-qc-excluded) although the "
                      f"comparison's QC says to exclude {names} from interpretation ({why}): "
                      "their pairs, regulatory potential and categories may show the QC "
                      "problem, not regulation"))  # fmt: skip
        return notes
    if n == total:
        raise InputError(
            f"comparison {comparison_id!r}: all {total} regions of its analysis set are on "
            f"{names}, which its QC says to exclude from interpretation ({why}); "
            "--keep-qc-excluded keeps them"
        )
    con.execute(f"delete from {table} where list_contains(?, chrom)", [chroms])
    message = (
        f"{n} peaks on {names} left out: the comparison's QC says to exclude {names} from "
        f"interpretation ({why}); --keep-qc-excluded keeps them"
    )
    notes.append(("peaks", "qc_excluded", n, names, message))
    return notes
