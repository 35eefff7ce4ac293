"""Parse a ChIP-Atlas main result BED (diffbind 2025, legacy diffbind 2024, dmr) into typed tables.

chipatlas_api.md §4: diffbind has 8 columns (counts A and B comma-joined, logFC, P, Q); the legacy
2024 layout is the same but logFC = log2(B/A) and P/Q are log10 values; dmr (metilene) has 10
columns. The per-experiment counts are in ``sorted()`` order of each group's IDs (string order).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from chromdiff.errors import ParseError
from chromdiff.parsing.rawbed import (
    bad_num,
    file_line,
    num,
    raise_first_error,
    read_text_columns,
)

logger = logging.getLogger(__name__)

DIFFBIND_2025 = "diffbind_2025"
DIFFBIND_2024 = "diffbind_2024"
DMR = "dmr"
N_COLS = {"diffbind": 8, "dmr": 10}
#: Sign cross-check (§4.2): flip logFC when more than this share of significant rows disagree.
SIGN_DISAGREE_FRAC = 0.5
SIGN_MIN_ROWS = 5
_INT = "coalesce(regexp_full_match({0}, '[0-9]{{1,18}}'), false)"
_NEG = "coalesce(regexp_full_match({0}, '-[0-9]+'), false)"
_COMMENT = "(c1 like 'track%' or c1 like 'browser%' or c1 like '#%')"

REGION_COLUMNS = [
    "region_id", "chrom", "start", "stop", "logfc", "pvalue", "qvalue", "mean_count_a",
    "mean_count_b", "meth_diff", "n_cpgs", "p_mwu", "p_ks", "mean_meth_a", "mean_meth_b",
]  # fmt: skip


@dataclass
class ParsedResult:
    """A parsed result: format name, ``regions`` and long-form ``counts`` Arrow tables.

    ``regions`` has :data:`REGION_COLUMNS`; ``counts`` has ``region_id, experiment_id, count``.
    ``warnings`` lists anything the user should know (e.g. a flipped sign convention).
    """

    result_format: str
    regions: pa.Table
    counts: pa.Table
    warnings: list[str] = field(default_factory=list)


def count_order(ids: list[str]) -> list[str]:
    """Return the order in which the server writes a group's counts: ``sorted`` string order."""
    return sorted(ids)


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


def _num_checks(cols: dict[int, str]) -> list[tuple[str, str]]:
    return [
        (bad_num(f"c{i}"), f"'column {i} ({name}): not a number: ' || c{i}")
        for i, name in cols.items()
    ]


#: One count value: a decimal number, NA, NaN or +-Inf (R ``write.table`` output).
_NUM_RE = r"(-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|-?\.[0-9]+([eE][-+]?[0-9]+)?|NA|NaN|-?Inf)"


def _count_checks(ids_a: list[str], ids_b: list[str]) -> list[tuple[str, str]]:
    out = []
    for col, grp, ids in ((4, "A", ids_a), (5, "B", ids_b)):
        n_values = f"(len(c{col}) - len(replace(c{col}, ',', '')) + 1)"
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


def _duplicate_check(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    row = con.execute(
        "select ln, first_ln, c1, c2, c3 from (select ln, c1, c2, c3,"
        " min(ln) over (partition by c1, c2, c3) as first_ln from raw)"
        " where ln > first_ln order by ln limit 1"
    ).fetchall()
    if row:
        ln, first, c1, c2, c3 = row[0]
        raise ParseError(
            f"{path}:{file_line(path, int(ln))}: duplicated region {c1}:{c2}-{c3} "
            f"(first at line {file_line(path, int(first))})"
        )


def _load_raw(con: duckdb.DuckDBPyConnection, path: Path, n: int) -> None:
    tbl = read_text_columns(con, path, n)
    con.register("raw_all", tbl)
    con.execute(
        f"create or replace temp view raw as select * from raw_all where not {_COMMENT}"
    ).fetchall()


def _is_legacy(con: duckdb.DuckDBPyConnection) -> bool:
    """§4.2: a P or Q value < 0 or > 1 can only be a log10 value (legacy 2024 format)."""
    p, q = "try_cast(c7 as double)", "try_cast(c8 as double)"
    rows = con.execute(
        f"select 1 from raw where {p} < 0 or {p} > 1 or {q} < 0 or {q} > 1 limit 1"
    ).fetchall()
    return bool(rows)


def _diffbind_regions(con: duckdb.DuckDBPyConnection, legacy: bool) -> None:
    sign = "-1.0 *" if legacy else ""
    p = f"pow(10, {num('c7')})" if legacy else num("c7")
    q = f"pow(10, {num('c8')})" if legacy else num("c8")
    mean = "list_avg(list_transform(string_split(c{0}, ','), lambda x: {1}))"
    con.execute(
        f"""create or replace temp table parsed_regions as select
            cast(ln as integer) as region_id, c1 as chrom, cast(c2 as bigint) as start,
            cast(c3 as bigint) as stop, {sign} {num("c6")} as logfc, {p} as pvalue,
            {q} as qvalue, {mean.format(4, "try_cast(x as double)")} as mean_count_a,
            {mean.format(5, "try_cast(x as double)")} as mean_count_b, null::double as meth_diff,
            null::integer as n_cpgs, null::double as p_mwu, null::double as p_ks,
            null::double as mean_meth_a, null::double as mean_meth_b
        from raw"""
    )


def _sign_disagreement(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Count significant rows whose logFC sign disagrees with log2(mean A / mean B)."""
    row = con.execute(
        """select count(*) filter (where sign(logfc) <> sign(mean_count_a - mean_count_b)),
                  count(*)
           from parsed_regions
           where qvalue < 0.05 and logfc <> 0 and isfinite(logfc)
             and mean_count_a <> mean_count_b"""
    ).fetchall()[0]
    return int(row[0]), int(row[1])


def _counts(con: duckdb.DuckDBPyConnection, ids_a: list[str], ids_b: list[str]) -> pa.Table:
    """Explode the comma-joined counts; value i of a group belongs to ``sorted(ids)[i]``."""
    order = count_order(ids_a) + count_order(ids_b)
    ids = "[" + ", ".join("'" + e.replace("'", "''") + "'" for e in order) + "]"
    return con.sql(
        f"""select cast(ln as integer) as region_id, z[2] as experiment_id,
                   try_cast(z[1] as double) as count
            from (select ln, unnest(list_zip(
                      list_concat(string_split(c4, ','), string_split(c5, ',')), {ids})) as z
                  from raw)"""
    ).to_arrow_table()


def _parse_diffbind(con, path, ids_a, ids_b) -> ParsedResult:
    _load_raw(con, path, 8)
    checks = _common_checks(8) + _num_checks({6: "logFC", 7: "PValue", 8: "FDR"})
    raise_first_error(con, path, checks + _count_checks(ids_a, ids_b))
    _duplicate_check(con, path)
    legacy = _is_legacy(con)
    _diffbind_regions(con, legacy)
    warnings = []
    bad, total = _sign_disagreement(con)
    if total >= SIGN_MIN_ROWS and bad > SIGN_DISAGREE_FRAC * total:
        msg = (
            f"{path}: logFC sign disagrees with mean counts in {bad}/{total} significant rows; "
            "the sign convention looks inverted, logFC flipped so that positive = higher in A"
        )
        logger.warning(msg)
        warnings.append(msg)
        con.execute("update parsed_regions set logfc = -logfc").fetchall()
    regions = con.sql(
        f"select {', '.join(REGION_COLUMNS)} from parsed_regions order by region_id"
    ).to_arrow_table()
    gsm = [i for i in ids_a + ids_b if i.startswith("GSM")]
    if gsm:
        warnings.append(
            f"{path}: GSM inputs ({', '.join(gsm[:3])}) are counted under their SRX on the server; "
            "per-experiment counts were mapped by sorted input ID and may be misattributed"
        )
    fmt = DIFFBIND_2024 if legacy else DIFFBIND_2025
    return ParsedResult(fmt, regions, _counts(con, ids_a, ids_b), warnings)


def _parse_dmr(con, path) -> ParsedResult:
    _load_raw(con, path, 10)
    names = {4: "q-value", 5: "methylation difference", 6: "#CpGs", 7: "p (MWU)", 8: "p (2D KS)"}
    checks = _common_checks(10) + _num_checks(names | {9: "mean A", 10: "mean B"})
    checks.append(
        (
            f"not {_INT.format('c6')}",
            "'column 6 (#CpGs): not an integer: ' || c6",
        )
    )
    raise_first_error(con, path, checks)
    _duplicate_check(con, path)
    regions = con.sql(
        f"""select cast(ln as integer) as region_id, c1 as chrom, cast(c2 as bigint) as start,
              cast(c3 as bigint) as stop, null::double as logfc, {num("c7")} as pvalue,
              {num("c4")} as qvalue, null::double as mean_count_a, null::double as mean_count_b,
              {num("c5")} as meth_diff, cast(c6 as integer) as n_cpgs, {num("c7")} as p_mwu,
              {num("c8")} as p_ks, {num("c9")} as mean_meth_a, {num("c10")} as mean_meth_b
            from raw order by ln"""
    ).to_arrow_table()
    counts = pa.table(
        {
            "region_id": pa.array([], pa.int32()),
            "experiment_id": pa.array([], pa.string()),
            "count": pa.array([], pa.float64()),
        }
    )
    return ParsedResult(DMR, regions, counts)


def parse_result(
    bed_path: str | Path, analysis: str, ids_a: list[str], ids_b: list[str]
) -> ParsedResult:
    """Parse the main result BED of a comparison.

    Parameters
    ----------
    bed_path : str or Path
        ``wabi_result.bed`` (tab-separated, no header). An empty file gives zero regions.
    analysis : {"diffbind", "dmr"}
        Which layout to expect; diffbind files are checked for the legacy 2024 convention.
    ids_a, ids_b : list of str
        The experiment IDs of each group (any order: counts map to ``sorted(ids)``).

    Returns
    -------
    ParsedResult
        ``logfc`` is log2(A/B) and ``pvalue``/``qvalue`` raw probabilities in every format.
        ``region_id`` is the 1-based data row of the file. dmr: ``pvalue`` = ``p_mwu``.

    Raises
    ------
    ParseError
        On the first bad row: one line naming ``file:line`` and the column.
    """
    path = Path(bed_path)
    if analysis not in N_COLS:
        raise ParseError(f"{path}: unknown analysis {analysis!r} (diffbind or dmr)")
    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        if analysis == "dmr":
            return _parse_dmr(con, path)
        return _parse_diffbind(con, path, list(ids_a), list(ids_b))
    finally:
        con.close()
