"""CSV and Parquet exports of one comparison: all (QC-filtered), significant, top-N and excluded.

Each region is written once: ``diff_regions_all`` holds the analysis set and
``diff_regions_excluded`` the regions the QC filter removed (non-standard contigs, regions shorter
than ``min_region_bp``); together they are every region (earlier versions wrote a near-copy of
``all`` as ``diff_regions_unfiltered``). Formats (:func:`parse_formats`): ``csv``, ``parquet``,
both, or ``auto`` (the default): both, except that a table of more than
:data:`~chromdiff.report.tablefiles.AUTO_CSV_MAX_ROWS` rows is written as Parquet only
(larger than a spreadsheet opens, and its CSV is the slowest and largest file of the report).
Every file is always written, possibly with zero rows, so downstream steps are deterministic.
Columns: chrom, start, end (0-based half-open, as BED), size, the effect (``logFC``, or
``meth_diff`` for dmr), pvalue, qvalue, direction (``A-enriched`` / ``B-enriched`` / ``none``;
``A-hyper`` / ``B-hyper`` for dmr), significant, mean counts, nearest_gene (the
gene whose TSS is nearest), distance_to_tss (signed, bp), genic_gene (the overlapping gene), then
one ``count_<experiment>`` column per experiment (group A then B, in input order; diffbind only).

Each export is one SQL query over its view, materialised once in a temporary table when written
in both formats, and written by DuckDB's own CSV and Parquet writers (``COPY``, through
:func:`~chromdiff.report.tablefiles.write_table`); the views read
one snapshot of the comparison's ``regions_unfiltered`` (:mod:`chromdiff.report.snapshot`), not
one join each; the per-experiment columns are picked straight
from the ``region_count_vectors`` lists. A file is written under a temporary name and renamed, so
an interrupted report never leaves a half-written export behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from chromdiff.report.snapshot import one_comparison
from chromdiff.report.tablefiles import auto_formats, write_table

#: export stem -> source view
EXPORT_VIEWS = {
    "diff_regions_all": "regions_filtered",
    "diff_regions_significant": "regions_significant",
    "diff_regions_top": "regions_ranked",
    "diff_regions_excluded": "regions_unfiltered",
}

#: Gene columns of every export (see the module docstring).
GENE_COLUMNS = ("r.nearest_gene", "r.distance_to_tss", "r.genic_gene")
#: Accepted values of the export formats option.
FORMATS = ("auto", "csv", "parquet", "csv,parquet")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """Return the formats asked for: ``("auto",)`` or a subset of ``("csv", "parquet")``.

    Raises
    ------
    ValueError
        Anything else (the message lists the accepted values).
    """
    parts = tuple(sorted({p.strip().lower() for p in (text or "auto").split(",") if p.strip()}))
    if parts == ("auto",) or (parts and set(parts) <= {"csv", "parquet"}):
        return parts
    raise ValueError(f"export formats {text!r}: expected one of {', '.join(FORMATS)}")


def resolve_formats(text: str | None) -> tuple[str, ...]:
    """Return the formats asked for (:func:`parse_formats`).

    ``None`` reads the ``export_formats`` setting (``CHROMDIFF_EXPORT_FORMATS``, ``auto``).

    Raises
    ------
    ValueError
        An unknown value, given or set.
    """
    if text is None:
        from chromdiff.settings import get_settings

        text = get_settings().export_formats
    return parse_formats(text)


_ORDER = "r.chrom, r.start, r.stop, r.region_id"
#: CSV keeps the spelling of earlier versions (pandas): booleans as True / False.
_CSV_SELECT = (
    "select * replace (case when significant then 'True' else 'False' end as significant) from {}"
)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_columns(con: duckdb.DuckDBPyConnection, comparison_id: str) -> list[str]:
    """SELECT items ``count_<experiment>``: group A then B, input order, from the count lists."""
    exps = con.execute(
        "select experiment_id, grp, count_order from experiments where comparison_id = ?"
        " and count_order is not null order by grp, input_order",
        [comparison_id],
    ).fetchall()
    return [
        f"v.counts_{grp.lower()}[{int(pos)}] as {_quote_ident('count_' + exp)}"
        for exp, grp, pos in exps
    ]


def export_sql(view: str, analysis: str, top_n: int | None, count_columns: list[str]) -> str:
    """Return the SELECT of one export (one ``?`` parameter: the comparison id).

    Parameters
    ----------
    view : str
        One of :data:`EXPORT_VIEWS`' values; ``regions_ranked`` adds ``rank`` and keeps
        ``rank <= top_n``.
    analysis : {"diffbind", "dmr"}
        dmr exports methylation columns and no per-experiment counts.
    top_n : int, optional
        ``comparison_params.top_n``: ``regions_ranked``'s rows are read from view ``regions_top``
        (its first ``top_n``); None keeps every ranked row.
    count_columns : list of str
        The ``count_<experiment>`` SELECT items of the comparison (diffbind only).
    """
    if view not in EXPORT_VIEWS.values():
        raise ValueError(f"not an export view: {view!r}")
    ranked = view == "regions_ranked"
    effect = "meth_diff" if analysis == "dmr" else "logFC"
    label = "hyper" if analysis == "dmr" else "enriched"
    cols = [
        *(["r.rank"] if ranked else []),
        "r.chrom", "r.start", 'r.stop as "end"', "r.size", f'r.effect as "{effect}"',
        "r.pvalue", "r.qvalue",
        f"case r.direction when 'A' then 'A-{label}' when 'B' then 'B-{label}' else 'none' end"
        " as direction",
        "r.significant",
    ]  # fmt: skip
    join = ""
    if analysis == "dmr":
        # pvalue is metilene's 2D KS p (column 8, the p its q adjusts); its Mann-Whitney U p
        # (column 7) beside it
        cols += ["r.n_cpgs", "r.p_mwu", "r.mean_meth_a", "r.mean_meth_b", *GENE_COLUMNS]
    else:
        cols += ["r.mean_count", "r.mean_count_a", "r.mean_count_b", *GENE_COLUMNS]
        cols += count_columns
        join = (
            " left join region_count_vectors v"
            " on v.comparison_id = r.comparison_id and v.region_id = r.region_id"
        )
    if ranked and top_n is not None:
        # the first top_n rows of the rank order: view regions_top, which write_exports' snapshot
        # (report.snapshot.one_comparison) holds as a Top-N table instead of ranking every region
        return (
            f"select {', '.join(cols)} from regions_top r{join} where r.comparison_id = ? "
            "order by r.rank"
        )
    where = "r.comparison_id = ?" + _extra_where(view, "r.")
    order = "r.rank" if ranked else _ORDER
    return f"select {', '.join(cols)} from {view} r{join} where {where} order by {order}"


def _extra_where(view: str, alias: str = "") -> str:
    """Return what an export adds to its view's condition (``and ...``, or nothing).

    ``regions_unfiltered`` exports the excluded regions (the rest are in ``regions_filtered``).
    """
    return f" and not {alias}passes_filter" if view == "regions_unfiltered" else ""


def _row_counts(con: duckdb.DuckDBPyConnection, comparison_id: str) -> dict[str, int]:
    """Return ``view -> rows of its export`` of the unranked exports (one statement).

    Each count reads its export's own view (inside :func:`write_exports`' snapshot, a scan of
    one temporary table each).
    """
    views = [v for v in EXPORT_VIEWS.values() if v != "regions_ranked"]
    counts = ", ".join(
        f"(select count(*) from {v} where comparison_id = $cid{_extra_where(v)})" for v in views
    )
    row = con.execute(f"select {counts}", {"cid": comparison_id}).fetchall()[0]
    return dict(zip(views, row, strict=True))


def write_exports(
    con: duckdb.DuckDBPyConnection,
    comparison_id: str,
    out_dir: Path,
    formats: str | tuple[str, ...] = "auto",
) -> dict[str, Path]:
    """Write every export under ``out_dir`` in ``formats``; return ``{file name: path}``.

    ``formats``: see :func:`parse_formats` (a string or its parsed tuple).
    """
    wanted = parse_formats(formats) if isinstance(formats, str) else tuple(formats)
    ((analysis, top_n),) = con.execute(
        "select c.analysis, p.top_n from comparisons c join comparison_params p "
        "using (comparison_id) where comparison_id = ?",
        [comparison_id],
    ).fetchall()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    counts = _count_columns(con, comparison_id) if analysis != "dmr" else []
    literal = "'" + comparison_id.replace("'", "''") + "'"
    # every export reads regions_unfiltered (and the top one regions_top): computed once
    with one_comparison(con, comparison_id, top_n):
        # auto: the row counts are known from the snapshot, so no table is counted twice
        n_rows = _row_counts(con, comparison_id) if wanted == ("auto",) else {}
        for stem, view in EXPORT_VIEWS.items():
            sql = export_sql(view, analysis, top_n, counts)
            if sql.count("?") != 1:  # the id is the query's one parameter
                raise ValueError(f"export query of {view} must have one parameter")
            name = f"diff_regions_top{top_n}" if stem == "diff_regions_top" else stem
            fmts = wanted
            if wanted == ("auto",):
                if view == "regions_ranked" and top_n is not None:
                    n = int(top_n)  # at most top_n rows: no need to count them
                else:
                    n = n_rows[view if view != "regions_ranked" else "regions_filtered"]
                fmts = auto_formats(n)
            written |= write_table(
                con, sql.replace("?", literal), out_dir / name, fmts, csv_select=_CSV_SELECT
            )
    # an earlier run's files that this run did not write would be stale: removed
    stale = [*(f"{n}.{e}" for n in _names(top_n) for e in ("csv", "parquet")), *_OLD]
    stale += [p.name for p in out_dir.glob("diff_regions_top*") if _TOP_FILE.fullmatch(p.name)]
    for file_name in stale:
        if file_name not in written:
            (out_dir / file_name).unlink(missing_ok=True)
    return written


#: A top-N export of any N (an earlier run's ``top_n`` may have been another).
_TOP_FILE = re.compile(r"diff_regions_top[0-9]+\.(csv|parquet)")
#: Export files of earlier versions (now ``diff_regions_all`` + ``diff_regions_excluded``).
_OLD = ("diff_regions_unfiltered.csv", "diff_regions_unfiltered.parquet")


def _names(top_n: int | None) -> list[str]:
    return [f"diff_regions_top{top_n}" if s == "diff_regions_top" else s for s in EXPORT_VIEWS]
