"""Gene-list over-representation analysis as clusterProfiler's ``enricher``/``enrichGO``.

The test is the one-sided hypergeometric ``P(X >= k)`` (R: ``phyper(k - 1, M, N - M, n,
lower.tail = FALSE)``) with

* ``N``: the universe = the given universe genes that are annotated to at least one set of the
  collection (clusterProfiler intersects the universe with the annotated genes the same way);
* ``M``: the set's genes within the universe; sets with ``M`` outside ``[min_size, max_size]``
  (default 10–500, counted within the universe) are not tested;
* ``n``: the query genes within the universe; ``k``: those in the set.

Only sets holding at least one query gene are tested and BH-adjusted together, as in
``enricher_internal``. Fold enrichment = ``k / (n M / N)``. A list with fewer than
:data:`MIN_QUERY_GENES` genes in the universe is not tested (:class:`TooFewGenes`).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control, hypergeom

from chromdiff.enrichment.genelist import id_hint
from chromdiff.errors import InputError

#: Fewest query genes (``n``, within the universe) a list needs to be tested. With one gene,
#: each set holding it gets ``p = M / N`` (its size, nothing about the list), and as only sets
#: with a hit are tested, BH over them called hundreds of terms significant (TP53 alone: 378 of
#: 378). clusterProfiler's ``enricher_internal`` has no such floor; Metascape keeps only terms
#: with at least 3 genes of the list (Zhou et al. 2019, Nat Commun 10:1523, "minimum count of
#: 3") and Z. Gu's ``ora()`` (GSEAtopics, rGREAT's author) has ``min_hits = 3``: a list of fewer
#: than 3 genes can reach neither.
MIN_QUERY_GENES = 3


class TooFewGenes(InputError):
    """Fewer than :data:`MIN_QUERY_GENES` of the list's genes (none included) in the universe."""


#: Columns of :func:`ora`'s result (and of ``enrichment_results`` rows it feeds).
ORA_COLUMNS = (
    "set_id",
    "set_name",
    "k",
    "n_query",
    "set_size",
    "universe_size",
    "expected",
    "fold",
    "pvalue",
    "padj",
    "genes",
)


def sf_of_hits(k, sf, *params) -> np.ndarray:
    """Return ``P(X >= k) = sf(k - 1, *params)`` elementwise, exactly 1 where ``k <= 0``.

    Only the terms with ``k >= 1`` are computed (scipy's survival functions cost ~35 µs a term,
    and most terms of a small query have ``k = 0``); ``params`` broadcast against ``k``.
    """
    k, *params = np.broadcast_arrays(np.asarray(k), *(np.asarray(p) for p in params))
    out = np.ones(k.shape, dtype=float)
    hit = k > 0
    if hit.any():
        out[hit] = sf(k[hit] - 1, *(p[hit] for p in params))
    return out


def hyper_sf(k: np.ndarray, m: np.ndarray, big_n: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Return ``P(X >= k)`` for X ~ Hypergeometric(population N, successes M, draws n)."""
    return sf_of_hits(k, hypergeom.sf, big_n, m, n)


def bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (R's ``p.adjust(method = "BH")``)."""
    p = np.asarray(p, dtype=float)
    return false_discovery_control(p, method="bh") if len(p) else p


def _register(con: duckdb.DuckDBPyConnection, name: str, genes) -> None:
    df = pd.DataFrame({"gene_id": [str(g) for g in genes]}).drop_duplicates()
    con.register("_cd_reg", df)
    try:
        con.execute(f"create or replace temp table {name} as select gene_id from _cd_reg")
    finally:
        con.unregister("_cd_reg")


class Universe:
    """A collection's sets within one universe, built once for several lists (:func:`ora`).

    Temp tables ``_cd_u`` (the universe genes annotated in the collection), ``_cd_us`` (each
    set's distinct genes within it, with the set's name) and ``_cd_um`` (each set's size within
    it) hold what every query list against this universe shares; ``size`` is ``N``. Use as a
    context manager: the tables are dropped when the block ends.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, sets_table: str, universe=None) -> None:
        self.con = con
        self.sets_table = sets_table
        if universe is None:
            con.execute(
                f"create or replace temp table _cd_u as select distinct gene_id from {sets_table}"
            )
        else:
            _register(con, "_cd_u0", universe)
            con.execute(
                f"""create or replace temp table _cd_u as select distinct s.gene_id
                from {sets_table} s semi join _cd_u0 u on u.gene_id = s.gene_id;
                drop table _cd_u0"""
            )
        con.execute(
            f"""create or replace temp table _cd_us as
            select distinct s.set_id, s.set_name, s.gene_id from {sets_table} s
            semi join _cd_u u on u.gene_id = s.gene_id;
            create or replace temp table _cd_um as
            select set_id, count(*) as set_size from _cd_us group by set_id"""
        )
        self.size = con.execute("select count(*) from _cd_u").fetchall()[0][0]
        #: Why no universe gene is in the sets, when their identifiers tell (else None).
        self.hint = id_hint(universe) if self.size == 0 and universe is not None else None

    def __enter__(self) -> Universe:
        return self

    def __exit__(self, *exc) -> None:
        self.con.execute(
            "drop table if exists _cd_u; drop table if exists _cd_us; drop table if exists _cd_um"
        )


def ora(
    con: duckdb.DuckDBPyConnection,
    genes,
    sets_table: str,
    universe=None,
    *,
    min_size: int = 10,
    max_size: int = 500,
    label: str = "query",
    prepared: Universe | None = None,
) -> pd.DataFrame:
    """Over-representation of ``genes`` in the gene sets of temp table ``sets_table``.

    Parameters
    ----------
    con
        Connection holding ``sets_table(set_id, set_name, gene_id)``.
    genes
        Query gene ids (same id type as the sets; duplicates count once).
    universe
        Background gene ids (e.g. every gene tested in the DE table); ``None`` = every gene
        annotated in the collection (clusterProfiler's default).
    min_size, max_size
        Gene-set size limits, counted within the universe.
    label
        What the list is, for error messages.
    prepared
        The :class:`Universe` of ``sets_table`` and ``universe`` built already (several lists
        against one universe share it; ``universe`` is then not read again).

    Returns
    -------
    pandas.DataFrame
        :data:`ORA_COLUMNS`, sorted by p-value then set id; ``genes`` is the '/'-joined
        sorted query genes in the set. Empty when no set has a query gene.

    Raises
    ------
    InputError
        The query list is empty, or no gene of the universe is in the gene sets.
    TooFewGenes
        Fewer than :data:`MIN_QUERY_GENES` of its genes (none included) are in the universe
        (an :class:`InputError`, so a caller that notes those as skipped notes this one too,
        and one testing several sources goes on with the others).
    """
    genes = [str(g) for g in genes if g is not None and str(g) != ""]
    if not genes:
        raise InputError(f"{label}: the gene list is empty")
    if prepared is None:
        with Universe(con, sets_table, universe) as u:
            return ora(con, genes, sets_table, min_size=min_size, max_size=max_size,
                       label=label, prepared=u)  # fmt: skip
    if prepared.sets_table != sets_table:
        raise ValueError(f"the prepared universe is of {prepared.sets_table}, not {sets_table}")
    big_n = prepared.size
    if big_n == 0:
        hint = f": {prepared.hint}" if prepared.hint else ""
        raise InputError(f"{label}: no universe gene is annotated in the gene sets{hint}")
    _register(con, "_cd_q", genes)
    try:
        n = con.execute("select count(*) from _cd_q semi join _cd_u using (gene_id)").fetchall()
        n = n[0][0]
        if n == 0:  # TooFewGenes: a caller testing several sources goes on with the others
            hint = id_hint(dict.fromkeys(genes)) or (
                "check the identifier type (GO sets hold Entrez IDs; a GMT, its own)"
            )
            raise TooFewGenes(
                f"{label}: none of the {len(set(genes)):,} genes is in the universe "
                f"({big_n:,} annotated genes); {hint}"
            )
        if n < MIN_QUERY_GENES:
            inside = [r[0] for r in con.execute(
                "select gene_id from _cd_q semi join _cd_u using (gene_id) order by gene_id"
            ).fetchall()]  # fmt: skip
            raise TooFewGenes(
                f"{label}: not tested: only {n} of the list's genes "
                f"{'is' if n == 1 else 'are'} in the universe ({', '.join(inside)}); ORA needs "
                f"at least {MIN_QUERY_GENES} (with one gene a set's p-value is just its share "
                "of the universe)"
            )
        df = con.execute(
            """with h as (select s.set_id, any_value(s.set_name) as set_name, count(*) as k,
                         string_agg(s.gene_id, '/'
                                    order by try_cast(s.gene_id as bigint), s.gene_id) as genes
                  from _cd_us s semi join _cd_q q on q.gene_id = s.gene_id group by s.set_id)
            select h.set_id, h.set_name, h.k, m.set_size, h.genes from h join _cd_um m
            using (set_id) where m.set_size between ? and ?""",
            [int(min_size), int(max_size)],
        ).df()
    finally:
        con.execute("drop table if exists _cd_q")
    if df.empty:
        return pd.DataFrame(columns=list(ORA_COLUMNS))
    df["n_query"] = int(n)
    df["universe_size"] = int(big_n)
    df["expected"] = df["n_query"] * df["set_size"] / df["universe_size"]
    df["fold"] = df["k"] / df["expected"]
    df["pvalue"] = hyper_sf(df["k"], df["set_size"], df["universe_size"], df["n_query"])
    df["padj"] = bh(df["pvalue"].to_numpy())
    return df.sort_values(["pvalue", "set_id"], ignore_index=True)[list(ORA_COLUMNS)]
