"""Cross-check the main result against the IGV track (``wabi_result.igv.bed``, §5.1).

The IGV BED holds the rows with q < 0.1, coloured orange (``222,131,68``) when the region is
higher in A. It is not loaded; it only confirms that regions and directions were read right.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

ORANGE_A = "222,131,68"


def igv_cross_check(igv_path: str | Path, regions: pa.Table, analysis: str) -> list[str]:
    """Return warnings where the IGV track disagrees with the parsed ``regions``.

    Checks that every IGV row is a parsed region and that its colour (A = orange) agrees with
    the sign of ``logfc`` (diffbind) or ``meth_diff`` (dmr). An unreadable track gives one warning.
    """
    path = Path(igv_path)
    effect = "meth_diff" if analysis == "dmr" else "logfc"
    con = duckdb.connect()
    try:
        con.register("parsed", regions)
        literal = str(path).replace("'", "''")
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, 10))
        rows = con.execute(
            f"""with igv as (
                  select c1 as chrom, try_cast(c2 as bigint) as start,
                         try_cast(c3 as bigint) as stop, c9 as rgb
                  from read_csv('{literal}', delim = '\t', header = false, columns = {{{cols}}},
                                quote = '', escape = '', null_padding = true,
                                auto_detect = false)
                  where c1 not like 'track%' and c1 not like 'browser%' and c1 not like '#%')
                select count(*),
                       count(*) filter (where p.chrom is null),
                       count(*) filter (where p.chrom is not null and p.{effect} is not null
                                        and (p.{effect} > 0) <> (igv.rgb = '{ORANGE_A}'))
                from igv left join parsed p using (chrom, start, stop)"""
        ).fetchall()[0]
    except duckdb.Error as exc:
        return [f"{path}: IGV track not readable for cross-checks ({str(exc).splitlines()[0]})"]
    finally:
        con.close()
    total, missing, flipped = rows
    out = []
    if missing:
        out.append(f"{path}: {missing} of {total} IGV rows are not regions of the main BED")
    if flipped:
        out.append(f"{path}: {flipped} of {total} IGV rows have the opposite direction colour")
    return out
