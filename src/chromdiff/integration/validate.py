"""Type and check the scanned tables set-wise; the first bad value is reported by line and column.

Missing values (``NA``, empty, ``NaN``, ``.``, ``-``) become NULL. Checks run as one query per
column and look for the offending line only when something is wrong, so a clean million-row
table costs a few scans.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.readers import TableInfo
from chromdiff.regions.coords import check_line, describe_bad_values, int_sql

#: Text that means "missing" in DE tables (R writes NA; cuffdiff writes '-').
NA_TOKENS = ("", "na", "nan", "n/a", "null", "none", ".", "-")
_NA_SQL = "(" + ", ".join(f"'{t}'" for t in NA_TOKENS) + ")"
#: −log10 is capped at this value (padj = 0 would be infinite).
MAX_NEG_LOG10 = 300.0
#: A log2FC at or beyond this magnitude is not a fold change but a sentinel (cuffdiff writes
#: ±1.79769e+308, DBL_MAX, when one condition is 0); with ±Inf it is "non-finite" (NaN is read
#: as NA, like R's NA).
NONFINITE_LFC = 1e300


def finite_sql(expr: str) -> str:
    """Return SQL true when ``expr`` is a usable log2FC (finite and below :data:`NONFINITE_LFC`)."""
    return f"(isfinite({expr}) and abs({expr}) < {NONFINITE_LFC:g})"


def quote_ident(col: str) -> str:
    """Return ``col`` as a quoted SQL identifier (a header name as the readers keep it)."""
    return '"' + col.replace('"', '""') + '"'


def _is_na(col: str) -> str:
    return f"(lower(trim({quote_ident(col)})) in {_NA_SQL} or {quote_ident(col)} is null)"


def _as_double(col: str) -> str:
    return f"try_cast(trim({quote_ident(col)}) as double)"


def strip_ensembl_version(expr: str) -> str:
    """Return SQL dropping an Ensembl gene ID's version (``ENSG00000141510.18`` → ``…510``)."""
    return f"regexp_replace({expr}, '^(ENS[A-Z]*G[0-9]+)\\.[0-9]+$', '\\1')"


def num_sql(col: str | None, kind: str = "double") -> str:
    """Return SQL turning text column ``col`` into ``kind`` (NULL for missing tokens)."""
    if col is None:
        return f"null::{kind}"
    value = _as_double(col)
    if kind == "bigint":  # R may write 1e+05; 150.5 is not an integer (checked separately)
        value = f"try_cast({value} as bigint)"
    return f"case when {_is_na(col)} then null else {value} end"


def check_numeric(
    con: duckdb.DuckDBPyConnection, info: TableInfo, role: str, kind: str = "double"
) -> None:
    """Raise naming the first line whose ``role`` value is neither missing nor a ``kind``."""
    col = info.columns.get(role)
    if col is None:
        return
    value = _as_double(col)
    bad = f"{value} is null" + (f" or {value} <> floor({value})" if kind == "bigint" else "")
    row = con.execute(
        f"""select _line, {quote_ident(col)} from {info.table}
        where not {_is_na(col)} and ({bad})
        order by _line limit 1"""
    ).fetchall()
    if row:
        line, value = row[0]
        what = "an integer" if kind == "bigint" else "a number"
        raise InputError(f"{info.source}: line {line}, column {col!r}: {value!r} is not {what}")


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple | None:
    rows = con.execute(sql).fetchall()
    return rows[0] if rows else None


def type_peaks(con: duckdb.DuckDBPyConnection, info: TableInfo, base: int) -> str:
    """Create temp table ``_int_peaks`` (0-based half-open, typed); return its name.

    ``base`` is 1 when the table's starts are 1-based (converted by subtracting 1). The
    coordinates are typed and checked by the region reader's rule
    (:mod:`chromdiff.regions.coords`), as ``chromdiff annotate --regions`` checks them.
    """
    c = info.columns
    for role in ("logfc", "padj", "pvalue", "score"):
        check_numeric(con, info, role)
    name = f"nullif(trim({quote_ident(c['name'])}), '')" if "name" in c else "null::varchar"
    con.execute(
        f"""create or replace temp table _int_peaks as
        select row_number() over (order by _line)::integer as peak_id,
               trim({quote_ident(c["chrom"])}) as chrom,
               {int_sql(c["start"])} - {int(base)} as start,
               {int_sql(c["stop"])} as stop,
               {name} as name,
               {num_sql(c.get("logfc"))} as logfc, {num_sql(c.get("pvalue"))} as pvalue,
               {num_sql(c.get("padj"))} as padj, {num_sql(c.get("score"))} as score,
               _line as source_line
        from {info.table}"""
    )
    bad = _first(
        con,
        "select source_line from _int_peaks where chrom is null or chrom = '' or start is null "
        "or stop is null or start < 0 or stop <= start order by source_line limit 1",
    )
    if bad:
        positions = tuple(info.header.index(c[r]) for r in ("chrom", "start", "stop"))
        labels = tuple(repr(c[r]) for r in ("chrom", "start", "stop"))
        if info.delim is None:  # Parquet: no text lines, the row's number is its line
            values = _first(
                con,
                f"select {', '.join(quote_ident(c[k]) for k in ('chrom', 'start', 'stop'))} "
                f"from {info.table} where _line = {int(bad[0])}",
            )
            where = f"{info.source}: line {bad[0]}"
            raise InputError(describe_bad_values(where, values, labels, base))
        check_line(Path(info.source), bad[0], info.skip, info.delim, positions, labels, base)
    _check_probability(con, info, "_int_peaks", ("padj", "pvalue"))
    return "_int_peaks"


def _check_probability(
    con: duckdb.DuckDBPyConnection, info: TableInfo, table: str, roles: tuple[str, ...]
) -> None:
    for role in roles:
        if role not in info.columns:
            continue
        bad = _first(
            con,
            f"select source_line, {role} from {table} where {role} < 0 or {role} > 1 "
            "order by source_line limit 1",
        )
        if bad:
            raise InputError(
                f"{info.source}: line {bad[0]}, column {info.columns[role]!r}: {bad[1]} is not "
                "a probability between 0 and 1"
            )


#: cuffdiff statuses of a row it did not test (cuffdiff manual, "Differential analysis output":
#: NOTEST "not enough alignments for testing", LOWDATA "too complex or too shallowly sequenced",
#: HIDATA "too many fragments in locus", FAIL "an ill-conditioned covariance matrix or other
#: numerical exception prevents testing"); only OK rows were tested.
CUFFDIFF_UNTESTED = ("FAIL", "NOTEST", "LOWDATA", "HIDATA")


def _status_column(info: TableInfo | None) -> str | None:
    """Return a cuffdiff table's ``status`` column as written, or None (another table)."""
    if info is None or info.tool != "cuffdiff":
        return None
    return next((h for h in info.header if h.lower() == "status"), None)


def _status_sql(info: TableInfo | None, statuses: tuple[str, ...]) -> str | None:
    col = _status_column(info)
    if col is None:
        return None
    listed = ", ".join(f"'{s}'" for s in statuses)
    return f"(upper(trim({quote_ident(col)})) in ({listed}))"


def not_tested_sql(info: TableInfo | None) -> str | None:
    """Return SQL true for a row whose log2FC, p and padj are all placeholders, or None.

    cuffdiff's ``status`` FAIL comes with log2(fold_change) 0 and p = q = 1 whatever the two
    values are (all 1,581 FAIL rows of BETA's real ``CUF_expr.diff``): not a measured fold
    change.
    """
    return _status_sql(info, ("FAIL",))


def untested_sql(info: TableInfo | None) -> str | None:
    """Return SQL true for a row the DE tool did not test (its p and padj are NA), or None.

    Every cuffdiff status but OK (:data:`CUFFDIFF_UNTESTED`): NOTEST, LOWDATA and HIDATA rows
    keep their log2FC (an estimate from the two FPKMs) but carry q = 1 as a placeholder (all
    25,271 such rows of ``CUF_expr.diff``; 12,199 NOTEST rows p = 1 as well). Read as tested,
    they were 60% of the BETA KS background and of the enrichment universe, low-count genes far
    from peaks: the bias NA padj is kept out of those tests for.

    Parameters
    ----------
    info : TableInfo or None
        The DE table as read (its tool and header); None gives None.

    Returns
    -------
    str or None
        The SQL condition on the table's rows, or None when the tool has no such status column.
    """
    return _status_sql(info, CUFFDIFF_UNTESTED)


def not_tested_note(con: duckdb.DuckDBPyConnection, info: TableInfo) -> tuple | None:
    """Return the reader note (side, kind, n, example, message) of untested rows, or None."""
    cond, col = untested_sql(info), _status_column(info)
    if cond is None:
        return None
    rows = con.execute(
        f"select upper(trim({quote_ident(col)})), count(*), min(_line) from {info.table}"
        f" where {cond} group by 1 order by 2 desc"
    ).fetchall()
    if not rows:
        return None
    n, first = sum(r[1] for r in rows), min(r[2] for r in rows)
    by = ", ".join(f"{k} {v:,}" for k, v, _ in rows)
    return (
        "rna",
        "not_tested",
        n,
        f"line {first}",
        f"{n} rows cuffdiff did not test (status {by}): p and q read as NA (their q = 1 is a "
        "placeholder), so they are never significant and stay out of the BETA KS background, "
        "the target ranking and the enrichment universe; log2FC kept as estimated, except FAIL "
        "rows' placeholder 0 (read as NA)",
    )


def type_genes(
    con: duckdb.DuckDBPyConnection, info: TableInfo, *, untested_as_na: bool = True
) -> str:
    """Create temp table ``_int_rna`` (typed DE rows, version suffix split off); return its name.

    ``untested_as_na``: p and padj of rows the tool did not test (:func:`untested_sql`), and the
    log2FC of rows whose every value is a placeholder (:func:`not_tested_sql`), are NULL; BETA
    mode passes False, as BETA reads them as written.
    """
    c = info.columns
    for role in ("logfc", "padj", "pvalue"):
        check_numeric(con, info, role)
    fail = not_tested_sql(info) if untested_as_na else None
    untested = untested_sql(info) if untested_as_na else None

    def number(role: str) -> str:
        value = num_sql(c.get(role))
        cond = fail if role == "logfc" else untested
        return value if cond is None else f"case when {cond} then null else {value} end"

    def text(role: str) -> str:
        if role not in c:
            return "null::varchar"
        return f"case when {_is_na(c[role])} then null else trim({quote_ident(c[role])}) end"

    con.execute(
        f"""create or replace temp table _int_rna as
        select row_number() over (order by _line)::integer as row_id,
               {text("gene")} as input_id,
               {strip_ensembl_version(text("gene"))} as id_norm,
               {text("symbol")} as symbol,
               regexp_replace({text("entrez")}, '\\.0$', '') as entrez,
               {number("logfc")} as logfc, {number("pvalue")} as pvalue,
               {number("padj")} as padj, _line as source_line
        from {info.table}"""
    )
    # rows without an ID (R's NA where mapIds found no symbol, with --rna-columns gene=symbol)
    # cannot be linked: left out and counted in _int_rna_noid (the load's no_gene_id note), as
    # BETA and the R recipe drop them; a column with no ID at all is an error
    n_empty, n_all, first = con.execute(
        "select count(*) filter (where input_id is null), count(*), "
        "min(source_line) filter (where input_id is null) from _int_rna"
    ).fetchall()[0]
    if n_empty and n_empty == n_all:
        raise InputError(f"{info.source}: line {first}, column {c['gene']!r}: gene ID is empty")
    con.execute(
        "create or replace temp table _int_rna_noid as select ?::bigint as n, ?::bigint as line",
        [n_empty, first],
    )
    if n_empty:
        con.execute("delete from _int_rna where input_id is null")
    _check_probability(con, info, "_int_rna", ("padj", "pvalue"))
    return "_int_rna"


def no_padj_message(info: TableInfo, n: int) -> str:
    """Return the note of a DE table of ``n`` rows without an adjusted p-value column.

    Every gene then has NA padj: none is significant or tested, so it says which column is
    missing and how to map one, as the peak side's ``no_differential_columns`` note does.
    """
    raw = info.columns.get("pvalue")
    also = (
        f" (its p-value column {raw!r} is not adjusted for multiple testing and is not used "
        "in its place)"
        if raw
        else ""
    )
    return (
        "the DE table has no adjusted p-value column (looked for padj, FDR, adj.P.Val, "
        f"q_value/qvalue){also}, so all {n:,} rows have NA padj: no gene is significant or "
        "counts as tested, there are no up/down genes, every pair is 'Other', and the BETA KS "
        "tests, targets and enrichment are empty. Map the column with --rna-columns "
        "padj=COLUMN"
    )


def input_notes(
    con: duckdb.DuckDBPyConnection, table: str, side: str, info: TableInfo | None = None
) -> list[tuple]:
    """Return (side, kind, n, example, message) for what the readers handled in ``table``.

    ``info``: the DE table read into ``table``; rows its tool did not test
    (:func:`untested_sql`, counted by their own ``not_tested`` note) are left out of the NA
    counts, which their placeholders read as NA would otherwise repeat.
    """
    key = "source_line"
    untested = untested_sql(info)
    skip = (
        f" and {key} not in (select _line from {info.table} where {untested})" if untested else ""
    )
    na_padj = "rows with NA padj (kept, never significant)"
    if side == "rna":  # integration_rp: NA padj = not tested, outside every gene-level test
        na_padj = (
            "rows with NA padj (not tested by the DE tool, e.g. DESeq2's independent "
            "filtering or all-zero counts: kept, never significant, left out of the BETA KS "
            "background, the target ranking and the enrichment universe)"
        )
    checks = [
        ("na_padj", "padj is null", na_padj),
        ("padj_zero", "padj = 0", f"rows with padj = 0 (−log10 capped at {MAX_NEG_LOG10:g})"),
        ("na_logfc", "logfc is null", "rows with NA log2FC (kept, left out of statistics)"),
        (
            "nonfinite_logfc",
            f"logfc is not null and not {finite_sql('logfc')}",
            "rows with a non-finite log2FC (±Inf or a ±1.79769e+308 sentinel; kept and "
            "flagged in the tables, never significant, left out of statistics and charts)",
        ),
    ]
    if side == "rna":
        checks.append(
            (
                "version_suffix",
                "input_id <> id_norm",
                "Ensembl IDs with a version suffix (matched without it)",
            )
        )
    out = []
    if side == "rna" and info is not None and "padj" not in info.columns:
        checks.pop(0)  # every row is NA: say the column is missing instead
        n = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        out.append((side, "no_padj_column", n, None, no_padj_message(info, n)))
    for kind, cond, message in checks:
        n, example = con.execute(
            f"select count(*), min({key}) from {table} where ({cond}){skip}"
        ).fetchall()[0]
        if n:
            out.append((side, kind, n, f"line {example}", f"{n} {message}"))
    return out
