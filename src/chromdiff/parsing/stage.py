"""Stage a result BED inside a DuckDB connection: set-wise validation, typed SELECTs.

:func:`stage_result` reads the file into a temporary table of ``con``, validates every value with
SQL (raising :class:`~chromdiff.errors.ParseError` for the first bad line) and returns the SELECTs
that produce the typed ``regions`` rows and each region's count lists from it. A diffbind file
is read once, cast as it is read, with a per-row flag that is true exactly where a check would
fail (:func:`_read_flagged`); only a flagged file is read again as text for the ordered checks
that name the first bad line (:func:`_stage_diffbind_checked`, the path dmr files always take).
The caller pulls them out as Arrow (:func:`chromdiff.parsing.parse_result`) or inserts them
straight into the warehouse tables of the same connection
(:func:`chromdiff.warehouse.load.load_bed`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chromdiff.errors import ParseError
from chromdiff.parsing.rawbed import (
    COMMENT,
    bad_num,
    drop_text_table,
    file_line,
    num,
    raise_first_error,
    read_text_table,
    text_scan,
)

logger = logging.getLogger(__name__)

DIFFBIND_2025 = "diffbind_2025"
DIFFBIND_2024 = "diffbind_2024"
DMR = "dmr"
N_COLS = {"diffbind": 8, "dmr": 10}
#: Sign cross-check (§4.2): flip logFC when more than this share of significant rows disagree.
SIGN_DISAGREE_FRAC = 0.5
SIGN_MIN_ROWS = 5
#: Temporary relation (view over table ``_cd_bed_all``) holding the file's text in ``con``.
REL = "_cd_bed"
_INT = "coalesce(regexp_full_match({0}, '[0-9]{{1,18}}'), false)"
_NEG = "coalesce(regexp_full_match({0}, '-[0-9]+'), false)"
#: One count value: a decimal number, NA, NaN or +-Inf (R ``write.table`` output).
_NUM_RE = r"(-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|-?\.[0-9]+([eE][-+]?[0-9]+)?|NA|NaN|-?Inf)"

REGION_COLUMNS = [
    "region_id", "chrom", "start", "stop", "logfc", "pvalue", "qvalue", "mean_count_a",
    "mean_count_b", "meth_diff", "n_cpgs", "p_mwu", "p_ks", "mean_meth_a", "mean_meth_b",
]  # fmt: skip


@dataclass
class Staged:
    """A validated result staged in a connection.

    ``regions_sql`` selects :data:`REGION_COLUMNS` in file order; ``counts_sql`` selects
    ``region_id, counts_a, counts_b`` (``DOUBLE[]`` in :func:`count_order` of each group;
    ``None`` for dmr, which has no counts).
    """

    result_format: str
    regions_sql: str
    counts_sql: str | None
    warnings: list[str] = field(default_factory=list)


def count_order(ids: list[str]) -> list[str]:
    """Return the order in which the server writes a group's counts: ``sorted`` string order."""
    return sorted(ids)


def sql_list(values: list[str]) -> str:
    """Return ``values`` as an SQL list literal of quoted strings."""
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _common_checks(n: int) -> list[tuple[str, str]]:
    return [
        (f"c{n} is null", f"'expected {n} tab-separated columns, found fewer'"),
        (f"c{n + 1} is not null", f"'expected {n} tab-separated columns, found more'"),
        ("c1 is null or trim(c1) = ''", "'column 1 (chrom): empty'"),
        (
            f"not {_INT.format('c2')} and not {_NEG.format('c2')}",
            "'column 2 (start): not an integer: ' || c2",
        ),
        (
            f"not {_INT.format('c3')} and not {_NEG.format('c3')}",
            "'column 3 (stop): not an integer: ' || c3",
        ),
        (_NEG.format("c2"), "'column 2 (start): negative coordinate ' || c2"),
        (_NEG.format("c3"), "'column 3 (stop): negative coordinate ' || c3"),
        (
            f"{_INT.format('c2')} and {_INT.format('c3')}"
            " and try_cast(c3 as bigint) < try_cast(c2 as bigint)",
            "'column 3 (stop): reversed coordinates, stop ' || c3 || ' < start ' || c2",
        ),
    ]


def _common_quick(n: int) -> list[str]:
    """Cheaper predicates true on exactly the rows :func:`_common_checks` flags."""
    return [
        f"c{n} is null",
        f"c{n + 1} is not null",
        "c1 is null or trim(c1) = ''",
        f"not {_INT.format('c2')}",
        f"not {_INT.format('c3')}",
        "try_cast(c3 as bigint) < try_cast(c2 as bigint)",
    ]


def _num_checks(cols: dict[int, str]) -> list[tuple[str, str]]:
    return [
        (bad_num(f"c{i}"), f"'column {i} ({name}): not a number: ' || c{i}")
        for i, name in cols.items()
    ]


def _count_checks(ids_a: list[str], ids_b: list[str]) -> list[tuple[str, str]]:
    out = []
    for col, grp, ids in ((4, "A", ids_a), (5, "B", ids_b)):
        n_values = f"(len(c{col}) - len(replace(c{col}, ',', '')) + 1)"
        out.append((f"c{col} is null", f"'column {col} (counts {grp}): empty'"))
        out.append(
            (
                f"{n_values} <> {len(ids)}",
                f"'column {col} (counts {grp}): ' || {n_values} || ' values for {len(ids)} "
                f"experiments of group {grp}'",
            )
        )
        out.append(
            (
                f"not regexp_full_match(c{col}, '{_NUM_RE}(,{_NUM_RE})*')",
                f"'column {col} (counts {grp}): not a number: ' || c{col}",
            )
        )
    return out


def _count_quick(ids_a: list[str], ids_b: list[str]) -> list[str]:
    """One regex per column: exactly ``len(ids)`` numbers (all :func:`_count_checks` at once)."""
    out = []
    for col, ids in ((4, ids_a), (5, ids_b)):
        if not ids:
            out.append("true")
            continue
        rep = f"(,{_NUM_RE}){{{len(ids) - 1}}}" if len(ids) > 1 else ""
        out.append(f"not coalesce(regexp_full_match(c{col}, '{_NUM_RE}{rep}'), false)")
    return out


#: The characters without which DuckDB's text -> DOUBLE cast accepts nothing that is not one of
#: :data:`_NUM_RE`'s numbers: whitespace (the cast trims it), ``+`` (a leading plus), ``_`` (digit
#: separators) and ``n``/``N`` (every spelling of inf, infinity and nan has one). Tab, newline and
#: carriage return never reach a field (the reader splits on them). Pinned by
#: tests/test_parse_fast_path.py::test_cast_without_extras_accepts_only_numbers.
CAST_EXTRAS = (" ", "+", "_", "n", "N", "\v", "\f")
_COUNTS = "try_cast(string_split(c{0}, ',') as double[])"


def counts_cast_is_enough(col: int, n: int) -> str:
    """Return SQL true when count column ``col`` certainly matches :func:`_count_quick`'s regex.

    That is: ``n`` comma-separated values, each cast to DOUBLE, and none of :data:`CAST_EXTRAS`
    in the text. Cheaper than the regex (the lists are cast anyway); the regex decides the rest.
    """
    lst = _COUNTS.format(col)
    extras = " and ".join(f"not contains(c{col}, chr({ord(ch)}))" for ch in CAST_EXTRAS)
    return f"len({lst}) = {n} and list_count({lst}) = {n} and {extras}"


def _count_quick_guarded(ids_a: list[str], ids_b: list[str]) -> list[str]:
    """:func:`_count_quick`, the regex run only where :func:`counts_cast_is_enough` is not true."""
    out = []
    for col, ids, quick in zip((4, 5), (ids_a, ids_b), _count_quick(ids_a, ids_b), strict=True):
        if not ids:
            out.append(quick)
            continue
        out.append(
            f"(case when {counts_cast_is_enough(col, len(ids))} then false else {quick} end)"
        )
    return out


def _duplicate_check(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if not con.execute(
        f"select 1 from {REL} group by c1, c2, c3 having count(*) > 1 limit 1"
    ).fetchall():
        return
    row = con.execute(
        "select ln, first_ln, c1, c2, c3 from (select ln, c1, c2, c3,"
        f" min(ln) over (partition by c1, c2, c3) as first_ln from {REL})"
        " where ln > first_ln order by ln limit 1"
    ).fetchall()
    if row:
        ln, first, c1, c2, c3 = row[0]
        raise ParseError(
            f"{path}:{file_line(path, int(ln))}: duplicated region {c1}:{c2}-{c3} "
            f"(first at line {file_line(path, int(first))})"
        )


def _legacy_value(pvalue: str, qvalue: str) -> str:
    """§4.2: a P or Q value < 0 or > 1 can only be a log10 value (legacy 2024 format).

    NaN is no evidence either way (DuckDB orders NaN above every number, so it is nulled first).
    """
    p, q = num(pvalue), num(qvalue)
    return f"{p} < 0 or {p} > 1 or {q} < 0 or {q} > 1"


def _is_legacy(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any validated row holds a legacy (log10) P or Q value: :func:`_legacy_value`."""
    pred = _legacy_value("c7", "c8")
    return bool(con.execute(f"select 1 from {REL} where {pred} limit 1").fetchall())


#: Typed rows of a validated diffbind result: the count lists are parsed once, here, for the
#: sign check, the group means and the stored lists alike.
TYPED = f"{REL}_typed"
#: The fast path's typed rows, read straight from the file with a per-row flag
#: (:func:`_read_flagged`), and the view over them that has :data:`TYPED`'s columns.
FLAGGED = f"{REL}_flagged"
FLAGGED_TYPED = f"{REL}_flagged_typed"


def _type_diffbind(con: duckdb.DuckDBPyConnection, logfc: str, pvalue: str, qvalue: str) -> None:
    """Create temp table :data:`TYPED` from the validated text rows (logFC as written)."""
    con.execute(
        f"""create or replace temp table {TYPED} as
        select cast(ln as integer) as region_id, c1 as chrom, cast(c2 as bigint) as start,
               cast(c3 as bigint) as stop, {logfc} as logfc, {pvalue} as pvalue,
               {qvalue} as qvalue,
               try_cast(string_split(c4, ',') as double[]) as counts_a,
               try_cast(string_split(c5, ',') as double[]) as counts_b
        from {REL}"""
    )


def _sign_disagreement(con: duckdb.DuckDBPyConnection, rel: str) -> tuple[int, int]:
    """Count significant rows whose logFC sign disagrees with log2(mean A / mean B)."""
    row = con.execute(
        f"""select count(*) filter (where sign(logfc) <> sign(ma - mb)), count(*)
            from (select logfc, list_avg(counts_a) as ma, list_avg(counts_b) as mb
                  from {rel} where qvalue < 0.05)
            where logfc <> 0 and isfinite(logfc) and ma <> mb"""
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def _diffbind_regions_sql(sign: str, rel: str) -> str:
    return f"""select region_id, chrom, start, stop, {sign}logfc as logfc, pvalue, qvalue,
            list_avg(counts_a) as mean_count_a, list_avg(counts_b) as mean_count_b,
            null::double as meth_diff, null::integer as n_cpgs, null::double as p_mwu,
            null::double as p_ks, null::double as mean_meth_a, null::double as mean_meth_b
        from {rel}"""


def _counts_sql(rel: str) -> str:
    """Select each row's counts as two lists in the server's order (``sorted`` IDs per group)."""
    return f"select region_id, counts_a, counts_b from {rel}"


def _diffbind_checks(
    ids_a: list[str], ids_b: list[str], guarded: bool = False
) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the ordered checks of a diffbind row and the quick predicates that flag it.

    ``guarded``: the count predicates are :func:`_count_quick_guarded` (same rows, cheaper when
    the count lists are cast anyway).
    """
    checks = _common_checks(8) + _num_checks({6: "logFC", 7: "PValue", 8: "FDR"})
    counts = _count_quick_guarded if guarded else _count_quick
    quick = _common_quick(8) + [p for p, _ in checks[8:]] + counts(ids_a, ids_b)
    return checks + _count_checks(ids_a, ids_b), quick


def _typed_expressions(legacy: bool, logfc: str, pvalue: str, qvalue: str) -> tuple[str, str, str]:
    """Return the SQL of logFC, P and Q as stored: legacy values are negated / un-logged."""
    sign = "-1.0 * " if legacy else ""
    p = f"pow(10, {num(pvalue)})" if legacy else num(pvalue)
    q = f"pow(10, {num(qvalue)})" if legacy else num(qvalue)
    return f"{sign}{num(logfc)}", p, q


def _stage_diffbind(con, path, ids_a, ids_b, server_order: bool = False) -> Staged:
    """Stage a diffbind result: the fast path when it can decide, else the checked path."""
    legacy = _read_flagged(con, path, ids_a, ids_b)
    if legacy is None:
        con.execute(f"drop table if exists {FLAGGED}")
        return _stage_diffbind_checked(con, path, ids_a, ids_b, server_order)
    logfc, p, q = _typed_expressions(legacy, "logfc", "pvalue", "qvalue")
    con.execute(
        f"""create or replace temp view {FLAGGED_TYPED} as
        select cast(rowid + 1 as integer) as region_id, chrom, start, stop, {logfc} as logfc,
               {p} as pvalue, {q} as qvalue, counts_a, counts_b
        from {FLAGGED}"""
    )
    return _finish_diffbind(con, path, FLAGGED_TYPED, legacy, ids_a, ids_b, server_order)


def _read_flagged(con, path: Path, ids_a: list[str], ids_b: list[str]) -> bool | None:
    """Read ``path`` once into :data:`FLAGGED`: typed values plus a flag per row; None = unsure.

    The flag is the quick predicates of :func:`raise_first_error` (true on exactly the rows
    a check would reject) or a line :func:`read_text_table` drops (track, browser, ``#``:
    region ids count them). With no flagged row and no two rows sharing a hash of
    ``chrom, start, stop``, the rows are what :func:`_stage_diffbind_checked` would validate
    and type, with the same values and region ids (the table's row ids follow the file): return
    whether the file is in the legacy format. Otherwise (or if the file is empty, missing or
    unreadable) return None: the checked path then decides, naming the first bad line.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return None
    bad = " or ".join(f"({pred})" for pred in _diffbind_checks(ids_a, ids_b, guarded=True)[1])
    try:
        con.execute(
            f"""create or replace temp table {FLAGGED} as
            select c1 as chrom, try_cast(c2 as bigint) as start, try_cast(c3 as bigint) as stop,
                   try_cast(c6 as double) as logfc, try_cast(c7 as double) as pvalue,
                   try_cast(c8 as double) as qvalue,
                   {_COUNTS.format(4)} as counts_a, {_COUNTS.format(5)} as counts_b,
                   {COMMENT} or ({bad}) is true as flagged
            from {text_scan(path, 8)}"""
        )
    except (duckdb.InvalidInputException, duckdb.IOException):
        return None  # unreadable: the checked path reads it again and names the line
    flagged, legacy = con.execute(
        f"select bool_or(flagged), bool_or({_legacy_value('pvalue', 'qvalue')}) from {FLAGGED}"
    ).fetchall()[0]
    if (
        flagged
        or con.execute(
            f"select 1 from {FLAGGED} group by hash(chrom, start, stop) having count(*) > 1 limit 1"
        ).fetchall()
    ):
        return None
    return bool(legacy)


def _stage_diffbind_checked(con, path, ids_a, ids_b, server_order: bool = False) -> Staged:
    """Stage via the text table: every check in order, naming the first bad ``file:line``."""
    read_text_table(con, path, 8, REL)
    checks, quick = _diffbind_checks(ids_a, ids_b)
    raise_first_error(con, path, checks, REL, quick)
    _duplicate_check(con, path)
    legacy = _is_legacy(con)
    _type_diffbind(con, *_typed_expressions(legacy, "c6", "c7", "c8"))
    return _finish_diffbind(con, path, TYPED, legacy, ids_a, ids_b, server_order)


def _finish_diffbind(con, path, rel, legacy, ids_a, ids_b, server_order) -> Staged:
    """Sign cross-check and warnings on typed relation ``rel``; return the staged SELECTs."""
    warnings = []
    sign = ""  # the typed logFC already carries the legacy sign
    bad, total = _sign_disagreement(con, rel)
    if total >= SIGN_MIN_ROWS and bad > SIGN_DISAGREE_FRAC * total:
        msg = (
            f"{path}: logFC sign disagrees with mean counts in {bad}/{total} significant rows; "
            "the sign convention looks inverted, logFC flipped so that positive = higher in A"
        )
        logger.warning(msg)
        warnings.append(msg)
        sign = "-1.0 * "
    gsm = [i for i in ids_a + ids_b if i.startswith("GSM")]
    if gsm and not server_order:
        warnings.append(
            f"{path}: GSM inputs ({', '.join(gsm[:3])}) are counted under their SRX on the server; "
            "per-experiment counts were mapped by sorted input ID and may be misattributed"
        )
    fmt = DIFFBIND_2024 if legacy else DIFFBIND_2025
    return Staged(fmt, _diffbind_regions_sql(sign, rel), _counts_sql(rel), warnings)


def _stage_dmr(con, path) -> Staged:
    read_text_table(con, path, 10, REL)
    names = {4: "q-value", 5: "methylation difference", 6: "#CpGs", 7: "p (MWU)", 8: "p (2D KS)"}
    checks = _common_checks(10) + _num_checks(names | {9: "mean A", 10: "mean B"})
    checks.append((f"not {_INT.format('c6')}", "'column 6 (#CpGs): not an integer: ' || c6"))
    raise_first_error(con, path, checks, REL, _common_quick(10) + [p for p, _ in checks[8:]])
    _duplicate_check(con, path)
    # metilene writes BED (0-based start, end included): DA makes bedGraphs of the methylation
    # bigWigs (DA:561-566), metilene_input.pl merges them with `bedtools unionbedg | cut -f1,3-`
    # (a CpG's position is its bedGraph end, 1-based), and metilene 0.2-8 prints a DMR as
    # start = pos[first CpG] - 1, stop = pos[last CpG] (metseg.c). Stored as given. (The
    # server's IGV label Length = stop - start + 1, DA:698, is one more than the DMR's bases.)
    # metilene's q (column 4) is its 2D KS p (column 8) times the number of tests, capped at 1
    # (Bonferroni, metilene 0.2-7 metseg.c: segment_out.p = ks[0] = kstest2d's p; output loop
    # q = segment_out.p * numberTests): pvalue is that p, the one q adjusts; MWU is beside it
    regions = f"""select cast(ln as integer) as region_id, c1 as chrom,
              cast(c2 as bigint) as start,
              cast(c3 as bigint) as stop, null::double as logfc, {num("c8")} as pvalue,
              {num("c4")} as qvalue, null::double as mean_count_a, null::double as mean_count_b,
              {num("c5")} as meth_diff, cast(c6 as integer) as n_cpgs, {num("c7")} as p_mwu,
              {num("c8")} as p_ks, {num("c9")} as mean_meth_a, {num("c10")} as mean_meth_b
            from {REL}"""
    warnings = []
    # metilene's mean difference is mean(g1) - mean(g2) with g1 = A (DA:631, -a g1 -b g2);
    # columns 9 and 10 are those means: a sign against them means the columns moved
    n_rows, n_against, top = con.execute(
        f"""select count(*), count(*) filter (where {num("c5")} * ({num("c9")} - {num("c10")}) < 0
                                          and abs({num("c9")} - {num("c10")}) >= 1e-6),
                   greatest(max({num("c9")}), max({num("c10")}), max(abs({num("c5")})))
        from {REL}"""
    ).fetchall()[0]
    if top is not None and top > 1:
        # metilene's input is methylation levels 0-1 (its -d 0.1 default assumes it); levels
        # above 1 are percent, and every cutoff and label here reads them as fractions
        msg = (
            f"{path}: methylation levels up to {top:g}: the result is in percent, not the 0-1 "
            "levels chromdiff reads (meth_diff, --min-abs-logfc and the report treat them as "
            "fractions)"
        )
        logger.warning(msg)
        warnings.append(msg)
    if n_against:
        msg = (
            f"{path}: the methylation difference (column 5) has the opposite sign of mean A - "
            f"mean B (columns 9, 10) in {n_against} of {n_rows} rows; the file's columns may not "
            "be metilene's"
        )
        logger.warning(msg)
        warnings.append(msg)
    if not n_rows:
        # the server runs metilene_input.pl with its output to /dev/null and metilene with its
        # errors there (DA:626-632, inutano/chip-atlas 21d848e) and checks neither: a failed
        # step leaves the same empty result as a comparison without any DMR
        msg = (
            f"{path}: no DMRs. The server writes an empty result also when its metilene steps "
            "fail (their errors are discarded): check the log before reading this as no "
            "differential methylation"
        )
        logger.warning(msg)
        warnings.append(msg)
    return Staged(DMR, regions, None, warnings)


def stage_result(
    con: duckdb.DuckDBPyConnection,
    bed_path: str | Path,
    analysis: str,
    ids_a: list[str],
    ids_b: list[str],
    server_order: bool = False,
) -> Staged:
    """Read and validate a result BED into temporary relations of ``con``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Where to stage; call :func:`unstage` when done with the returned SELECTs.
    bed_path, analysis, ids_a, ids_b, server_order
        As :func:`chromdiff.parsing.parse_result`.

    Returns
    -------
    Staged
        Format, warnings and the typed SELECTs (see :func:`chromdiff.parsing.parse_result`).

    Raises
    ------
    ParseError
        On the first bad row: one line naming ``file:line`` and the column.
    """
    path = Path(bed_path)
    if analysis not in N_COLS:
        raise ParseError(f"{path}: unknown analysis {analysis!r} (diffbind or dmr)")
    try:
        if analysis == "dmr":
            return _stage_dmr(con, path)
        return _stage_diffbind(con, path, list(ids_a), list(ids_b), server_order)
    except BaseException:
        unstage(con)
        raise


def unstage(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary relations :func:`stage_result` created."""
    con.execute(f"drop view if exists {FLAGGED_TYPED}")
    con.execute(f"drop table if exists {FLAGGED}")
    con.execute(f"drop table if exists {TYPED}")
    drop_text_table(con, REL)
