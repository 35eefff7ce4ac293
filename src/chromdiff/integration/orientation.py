"""Which condition a table's log2 fold change puts on top, when the file itself says so.

A DE or differential-peak table whose fold change points the other way flips every concordance
category, and nothing in the numbers shows it. Two common layouts name their conditions:

* cuffdiff ``gene_exp.diff``: ``log2(fold_change)`` is log2(value_2 / value_1), ``sample_2``
  over ``sample_1`` (one pair per row; a file with several pairs holds several comparisons).
* DiffBind reports: ``Conc_<group1>`` and ``Conc_<group2>`` beside ``Fold``; which group is on
  top is read from the data (the sign of ``Fold`` against ``Conc_<1> - Conc_<2>``), as
  ``dba.report(bFlip=TRUE)`` swaps it.

:func:`orientation_note` returns an ``int_input_notes`` row saying it (the report quotes it).
"""

from __future__ import annotations

import duckdb

from chromdiff.errors import InputError
from chromdiff.integration.readers import TableInfo
from chromdiff.integration.validate import quote_ident as _q

#: Share of rows whose Fold sign must agree with the Conc difference to name the top group.
AGREE = 0.9


def orientation_note(con: duckdb.DuckDBPyConnection, info: TableInfo, side: str) -> tuple | None:
    """Return ``(side, 'orientation', n, example, message)`` or None when the file cannot say.

    Raises
    ------
    InputError
        A cuffdiff table holding several comparisons (sample pairs): its genes would mix them.
    """
    if info.tool == "cuffdiff" and {"sample_1", "sample_2"} <= set(info.header):
        pairs = con.execute(
            f"select sample_1, sample_2, count(*) from {info.table} "
            "group by all order by 3 desc, 1, 2"
        ).fetchall()
        if len(pairs) > 1:
            listed = ", ".join(f"{a} vs {b} ({n:,} rows)" for a, b, n in pairs[:4])
            raise InputError(
                f"{info.source}: a cuffdiff table of {len(pairs)} comparisons ({listed}): each "
                "gene would take the row of any of them; keep one pair's rows, e.g. "
                f"awk -F'\\t' 'NR == 1 || ($5 == \"{pairs[0][0]}\" && $6 == \"{pairs[0][1]}\")'"
            )
        s1, s2, n = pairs[0]
        return (
            side,
            "orientation",
            n,
            f"{s2} / {s1}",
            f"cuffdiff: log2(fold_change) is log2({s2} / {s1}) (value_2 / value_1): positive = "
            f"higher in {s2}, which the categories read as 'up'",
        )
    conc = [c for c in info.header if c.lower().startswith("conc_")]
    fold = info.columns.get("logfc")
    if info.tool != "diffbind" or len(conc) != 2 or fold is None:
        return None
    a, b = conc
    agree, n = con.execute(
        f"""select avg((sign(try_cast({_q(fold)} as double))
                        = sign(try_cast({_q(a)} as double) - try_cast({_q(b)} as double)))::int),
                   count(*)
            from {info.table}
            where try_cast({_q(fold)} as double) <> 0
              and try_cast({_q(a)} as double) <> try_cast({_q(b)} as double)"""
    ).fetchall()[0]
    if agree is None or AGREE > agree > 1 - AGREE:
        return None
    top, other = (a, b) if agree >= AGREE else (b, a)
    top, other = top[len("conc_") :], other[len("conc_") :]
    return (
        side,
        "orientation",
        n,
        f"{top} / {other}",
        f"DiffBind: {fold} > 0 = higher in {top} than {other} (its sign follows Conc_{top} - "
        f"Conc_{other} on {max(agree, 1 - agree):.0%} of {n:,} rows): the categories read {top} "
        "as 'open'",
    )


def opposed_note(peaks: tuple | None, rna: tuple | None) -> tuple | None:
    """Return an ``orientation_opposed`` note when both sides name their conditions, swapped.

    ``peaks`` and ``rna`` are the sides' ``orientation`` notes (their example is ``top /
    other``). When the peak side puts X over Y and the expression side Y over X (names compared
    case-insensitively), every concordant pair is really discordant and the correlations'
    signs are flipped; nothing in the numbers shows it.
    """
    if peaks is None or rna is None:
        return None
    p_top, _, p_other = peaks[3].partition(" / ")
    r_top, _, r_other = rna[3].partition(" / ")
    if not (p_top.lower() == r_other.lower() and p_other.lower() == r_top.lower()):
        return None
    return (
        "rna",
        "orientation_opposed",
        rna[2],
        f"{peaks[3]} vs {rna[3]}",
        f"the sides put opposite conditions on top: peaks {p_top} over {p_other}, expression "
        f"{r_top} over {r_other}; read as given, 'Concordant' and 'Discordant' are swapped and "
        "the correlations change sign: negate one side's fold change column to compare like "
        "with like",
    )
