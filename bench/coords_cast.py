"""Typing region coordinates: today's ``int_sql`` beside the regex guard it replaced (issue 17).

Run: ``uv run python -m bench.coords_cast [--regions 10000000] [--repeats 3]``.

The region reader types every start and end with :func:`chromdiff.regions.coords.int_sql`. Until
2026-12-02 that was a digits-only regular expression, then (in a second ``coalesce`` branch
evaluated for every row) the whole-number parse; now a value that DuckDB casts to an integer
reading back as its own text takes the fast path, in one ``CASE``. Both are timed here in one
process, on the same table of coordinate texts (``--regions`` random BED rows: 2 values each),
interleaved, as CPU seconds of DuckDB's threads (``time.process_time``); the minimum of
``--repeats`` runs is printed with the ratio. Their results are compared value by value first.
Nothing is written to ``BENCHMARKS.md`` (the annotate_cli section times the whole command).
"""

from __future__ import annotations

import argparse
import time

import duckdb

from chromdiff.regions.coords import int_sql, quote


def regex_guard_sql(col: str) -> str:
    """The expression ``int_sql`` returned before 2026-12-02 (kept here as the reference)."""
    q = quote(col)
    d = f"try_cast(trim({q}) as double)"
    return (
        f"coalesce(case when regexp_full_match({q}, '[0-9]{{1,18}}') then {q}::bigint end, "
        f"case when regexp_full_match(trim({q}), '[-+]?[0-9]*[.]?[0-9]*([eE][-+]?[0-9]+)?') "
        f"and {d} = floor({d}) and abs({d}) < 1e18 then {d}::bigint end)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=10_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute(
        f"""create table t as select (random() * 2.4e8)::bigint::varchar as start,
                   (random() * 2.4e8 + 2000)::bigint::varchar as stop
            from range({args.regions})"""
    )
    exprs = {"read-back (now)": int_sql, "regex guard (before)": regex_guard_sql}
    differ = con.execute(
        f"select count(*) from t where {int_sql('start')} is distinct from "
        f"{regex_guard_sql('start')} or {int_sql('stop')} is distinct from "
        f"{regex_guard_sql('stop')}"
    ).fetchall()[0][0]
    print(f"{args.regions:,} regions; values typed differently: {differ}")
    best: dict[str, float] = {}
    for _ in range(args.repeats):
        for name, fn in exprs.items():
            c0 = time.process_time()
            con.execute(f"select sum({fn('start')}), sum({fn('stop')}) from t").fetchall()
            best[name] = min(best.get(name, float("inf")), time.process_time() - c0)
    for name, cpu in best.items():
        print(f"{name:22s} {cpu:6.2f} CPU s")
    print(f"ratio before / now: {best['regex guard (before)'] / best['read-back (now)']:.2f}")


if __name__ == "__main__":
    main()
