"""GREAT-style region-set enrichment (McLean et al. 2010, Nat Biotechnol 28:495).

Each gene gets GREAT's basal-plus-extension regulatory domain (built by
:func:`chromdiff.annotation.links.link_great`: 5 kb up / 1 kb down of the TSS, extended to the
nearest other basal domain, at most 1 Mb), clipped here to the chromosome sizes. A region
belongs to a term when its midpoint lies in the domain of at least one of the term's genes.

Whole-genome background (GREAT's default), for each term with ``min_size``–``max_size`` genes:

* ``great_binomial``: ``n`` regions, ``k`` of them in the term's domains, ``p`` = fraction of
  the genome (assembled chromosomes, chrM excluded) that the union of the term's domains
  covers; ``P(X >= k)``, X ~ Binomial(n, p); expected = ``n p``.
* ``great_hypergeometric``: over genes: ``N`` genes with a domain and at least one annotation
  in the collection, ``K`` of them in the term, ``n`` of the N whose domain holds at least one
  region, ``k`` of those in the term; ``P(X >= k)``, expected = ``n K / N``.

Background regions (GREAT's "background regions" option, for foreground regions that are a
subset of the tested set, e.g. the significant regions of a comparison among all tested):

* ``great_regions_hypergeometric``: ``N`` background regions, ``K`` of them in the term's
  domains, ``n`` foreground regions, ``k`` in the domains; ``P(X >= k)``.

Fold enrichment = observed / expected. All terms within the size limits are tested (``k = 0``
included) and BH-adjusted together per test; rows with ``k >= 1`` are returned. The clipped
domains stay in temp table ``_cd_dom(gene_id, chrom, start, stop)`` after a call.

Several region sets against one gene-set collection (a comparison's A- and B-enriched regions)
share the domains and the per-term genome coverage: :func:`prepare_terms` builds them once and
``great(..., prepared=True)`` uses them; :func:`drop_terms` removes them.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import binom

from chromdiff.annotation.links import great_domains, link_great
from chromdiff.enrichment.ora import bh, hyper_sf, sf_of_hits
from chromdiff.enrichment.store import RESULT_COLUMNS
from chromdiff.errors import InputError

#: Columns of every result frame (``method`` says which test the row is; ``symbols`` are the
#: hit ``genes`` as the annotation's symbols, in the same order).
GREAT_COLUMNS = ("method", *RESULT_COLUMNS, "symbols")


def _domains(con: duckdb.DuckDBPyConnection, sizes: dict[str, int]) -> None:
    """``_cd_dom``: link_great's domains (``_cd_great``) clipped to the chromosome sizes."""
    cs = pd.DataFrame({"chrom": list(sizes), "size": list(sizes.values())})
    con.register("_cd_sizes_df", cs)
    try:
        con.execute(
            """create or replace temp table _cd_dom as
            select d.gene_id, d.chrom, greatest(d.start, 0) as start,
                   least(d.stop, s.size) as stop
            from _cd_great d join _cd_sizes_df s on s.chrom = d.chrom
            where least(d.stop, s.size) > greatest(d.start, 0)"""
        )
    finally:
        con.unregister("_cd_sizes_df")


def _links(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    table: str,
    sizes: dict[str, int],
    domains_ready: bool = False,
    **domain_opts,
) -> int:
    """Link regions on sized chromosomes to genes (GREAT rule); return the regions counted.

    A region running past its chromosome's end is not on this assembly and is not counted.
    """
    size = " ".join(f"when '{c.replace(chr(39), chr(39) * 2)}' then {n}" for c, n in sizes.items())
    sql = f"select * from ({regions_sql}) where stop <= case chrom {size} end"
    n = con.execute(f"select count(*) from ({sql})").fetchall()[0][0]
    if n == 0:
        return 0
    link_great(con, sql, annotation_id, table, domains_ready=domains_ready, **domain_opts)
    return int(n)


def prepare_terms(
    con: duckdb.DuckDBPyConnection,
    annotation_id: str,
    sets_table: str,
    sizes: dict[str, int],
    *,
    min_size: int = 5,
    max_size: int | None = None,
    **domain_opts,
) -> None:
    """Build the domains and term tables once for several ``great(..., prepared=True)`` calls.

    Arguments as in :func:`great`; every call that uses them must pass the same ones.
    """
    great_domains(con, annotation_id, **domain_opts)
    _domains(con, sizes)
    _term_table(con, sets_table, min_size, max_size)
    _symbols(con, annotation_id)


def drop_terms(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what :func:`prepare_terms` (or a :func:`great` call) built."""
    for t in ("_cd_great", "_cd_dom", "_cd_tg", "_cd_terms", "_cd_sym"):
        con.execute(f"drop table if exists {t}")


def _term_table(con: duckdb.DuckDBPyConnection, sets_table: str, min_size: int, max_size) -> None:
    """``_cd_terms(set_id, set_name, set_size, genome_bp)`` over genes that have a domain.

    ``genome_bp`` is the length of the union of the term's domains, in one pass over each
    chromosome's domains sorted by start: a domain adds what lies beyond the furthest stop of
    the domains before it (``stop - max(start, furthest stop)``, when positive).
    """
    hi = "" if max_size is None else f" and count(*) <= {int(max_size)}"
    con.execute(
        f"""create or replace temp table _cd_tg as
        select distinct s.set_id, s.gene_id from {sets_table} s
        semi join _cd_dom d on d.gene_id = s.gene_id"""
    )
    con.execute(
        f"""create or replace temp table _cd_terms as
        with sz as (select set_id, count(*) as set_size from _cd_tg group by set_id
                    having count(*) >= {int(min_size)}{hi}),
        d as (select t.set_id, d.chrom, d.start, d.stop from _cd_tg t
              join _cd_dom d on d.gene_id = t.gene_id semi join sz on sz.set_id = t.set_id),
        o as (select set_id, stop - greatest(start, coalesce(max(stop) over (
                  partition by set_id, chrom order by start, stop
                  rows between unbounded preceding and 1 preceding), start)) as added from d),
        bp as (select set_id, sum(greatest(added, 0)) as genome_bp from o group by set_id),
        nm as (select set_id, any_value(set_name) as set_name from {sets_table} group by set_id)
        select sz.set_id, nm.set_name, sz.set_size, bp.genome_bp
        from sz join bp using (set_id) join nm using (set_id)"""
    )


def _symbols(con: duckdb.DuckDBPyConnection, annotation_id: str) -> None:
    """``_cd_sym(gene_id, symbol)``: the annotation's symbol of each gene id (as the store maps)."""
    con.execute(
        """create or replace temp table _cd_sym as
        select gene_id, any_value(symbol) as symbol from ann_genes
        where annotation_id = ? group by gene_id""",
        [annotation_id],
    )


def _hit_genes(genes: str) -> str:
    """Return SQL: per term, the hit genes of ``genes`` (a query of distinct ``gene_id``).

    ``genes`` and ``symbols`` list them by ``gene_id`` (symbol, else the id, in the same order).
    """
    return f"""select t.set_id, string_agg(g.gene_id, '/' order by g.gene_id) as genes,
               string_agg(coalesce(s.symbol, g.gene_id), '/' order by g.gene_id) as symbols,
               count(*) as n_genes
        from ({genes}) g join _cd_tg t on t.gene_id = g.gene_id
        left join _cd_sym s on s.gene_id = g.gene_id
        semi join _cd_terms x on x.set_id = t.set_id
        group by t.set_id"""


def _region_hits(
    con: duckdb.DuckDBPyConnection, links: str, out: str, *, genes: bool = True
) -> None:
    """``out(set_id, k, n_genes, genes, symbols)``: regions and genes in each term's domains.

    ``k`` counts the regions with at least one linked gene in the term. Regions linked to the
    same genes (their "signature", mostly one or two genes) hit the same terms, so the distinct
    signatures are joined to the terms and each counts its regions: ~4x fewer rows than
    (region, gene, term) for a comparison's significant regions. ``n_genes``, ``genes`` and
    ``symbols``: the distinct linked genes in the term (GREAT's gene test uses them too);
    ``genes=False``: ``out(set_id, k)`` only (the background regions' counts).
    """
    listed = f"""select k.set_id, k.k, g.n_genes, g.genes, g.symbols from k
        join ({_hit_genes(f"select distinct gene_id from {links}")}) g using (set_id)"""
    con.execute(
        f"""create or replace temp table {out} as
        with s as (select region_key, list(distinct gene_id order by gene_id) as sig
                   from {links} group by region_key),
        c as (select sig, count(*) as n, row_number() over () as sid from s group by sig),
        sg as (select sid, unnest(sig) as gene_id from c),
        p as (select distinct t.set_id, sg.sid from sg join _cd_tg t on t.gene_id = sg.gene_id
              semi join _cd_terms x on x.set_id = t.set_id),
        k as (select p.set_id, sum(c.n)::bigint as k from p join c using (sid) group by p.set_id)
        {listed if genes else "select set_id, k from k"}"""
    )


def binom_sf(k: np.ndarray, n: int, p: np.ndarray) -> np.ndarray:
    """Return ``P(X >= k)``, X ~ Binomial(n, p); exactly 1 for ``k <= 0`` (``sf_of_hits``)."""
    return sf_of_hits(k, binom.sf, n, np.asarray(p, dtype=float))


def _finish(df: pd.DataFrame, method: str) -> pd.DataFrame:
    df = df.copy()
    df["method"] = method
    df["fold"] = np.where(df["expected"] > 0, df["k"] / df["expected"], np.nan)
    df["padj"] = bh(df["pvalue"].to_numpy())
    df = df[df["k"] >= 1]
    return df.sort_values(["pvalue", "set_id"], ignore_index=True)[list(GREAT_COLUMNS)]


def great(
    con: duckdb.DuckDBPyConnection,
    regions_sql: str,
    annotation_id: str,
    sets_table: str,
    sizes: dict[str, int],
    *,
    background_sql: str | None = None,
    min_size: int = 5,
    max_size: int | None = None,
    label: str = "regions",
    prepared: bool = False,
    **domain_opts,
) -> pd.DataFrame:
    """Run GREAT's tests for the regions of ``regions_sql`` (``region_key, chrom, start, stop``).

    Parameters
    ----------
    con
        Connection with the annotation (``ann_genes``) and ``sets_table(set_id, set_name,
        gene_id)``; gene ids must be the annotation's (Entrez for the embedded builds).
    sizes
        ``{chrom: size}`` of the genome (:func:`chromdiff.regions.chromsizes.chrom_sizes`).
    background_sql
        Background regions (a superset of the regions): run the region hypergeometric test
        instead of the whole-genome binomial + gene hypergeometric tests.
    min_size, max_size
        Term size limits in genes with a domain (rGREAT's default minimum is 5).
    prepared
        :func:`prepare_terms` has built the domains and terms for these arguments (they are
        kept for the next call; otherwise they are built here).
    domain_opts
        ``basal_upstream``, ``basal_downstream``, ``max_extension`` of ``link_great``.

    Returns
    -------
    pandas.DataFrame
        :data:`GREAT_COLUMNS`, one row per (test, term) with ``k >= 1``.

    Raises
    ------
    InputError
        No region on the genome's chromosomes, or foreground regions missing from the
        background.
    """
    n = _links(con, regions_sql, annotation_id, "_cd_fg_links", sizes, prepared, **domain_opts)
    if n == 0:
        raise InputError(f"{label}: no region on the genome's assembled chromosomes")
    if not prepared:
        _domains(con, sizes)
        _term_table(con, sets_table, min_size, max_size)
        _symbols(con, annotation_id)
    _region_hits(con, "_cd_fg_links", "_cd_fg_hits")
    terms = con.execute(
        """select t.set_id, t.set_name, t.set_size, t.genome_bp, coalesce(h.k, 0) as k,
                  h.genes, h.symbols from _cd_terms t left join _cd_fg_hits h using (set_id)"""
    ).df()
    out = []
    if background_sql is None:
        genome_bp = float(sum(sizes.values()))
        b = terms.copy()
        b["n_query"] = n
        b["universe_size"] = pd.NA
        b["genome_fraction"] = b["genome_bp"] / genome_bp
        b["expected"] = n * b["genome_fraction"]
        b["pvalue"] = binom_sf(b["k"].to_numpy(), n, b["genome_fraction"].to_numpy())
        b["set_size"] = b["set_size"].astype("int64")
        out.append(_finish(b, "great_binomial"))
        big_n, n_genes = con.execute(
            """select (select count(distinct gene_id) from _cd_tg),
                      (select count(distinct l.gene_id) from _cd_fg_links l
                       semi join _cd_tg t on t.gene_id = l.gene_id)"""
        ).fetchall()[0]
        g = con.execute(
            """select t.set_id, t.set_name, t.set_size, coalesce(h.n_genes, 0) as k,
                      h.genes, h.symbols
            from _cd_terms t left join _cd_fg_hits h using (set_id)"""
        ).df()
        g["n_query"] = int(n_genes)
        g["universe_size"] = int(big_n)
        g["genome_fraction"] = np.nan
        g["expected"] = n_genes * g["set_size"] / big_n
        g["pvalue"] = hyper_sf(g["k"], g["set_size"], big_n, n_genes)
        out.append(_finish(g, "great_hypergeometric"))
    else:
        big_n = _links(
            con, background_sql, annotation_id, "_cd_bg_links", sizes, prepared, **domain_opts
        )
        missing = con.execute(
            f"""select count(*) from (select region_key from ({regions_sql})
                except select region_key from ({background_sql}))"""
        ).fetchall()[0][0]
        if missing:
            raise InputError(f"{label}: {missing:,} regions are not in the background regions")
        _region_hits(con, "_cd_bg_links", "_cd_bg_hits", genes=False)
        bg = con.execute(
            "select set_id, coalesce(k, 0) as big_k from _cd_terms left join _cd_bg_hits "
            "using (set_id)"
        ).df()
        r = terms.merge(bg, on="set_id")
        r["n_query"] = n
        r["universe_size"] = int(big_n)
        r["genome_fraction"] = r["genome_bp"] / float(sum(sizes.values()))
        r["expected"] = n * r["big_k"] / big_n
        r["pvalue"] = hyper_sf(r["k"], r["big_k"], big_n, n)
        out.append(_finish(r, "great_regions_hypergeometric"))
    for t in ("_cd_fg_links", "_cd_bg_links", "_cd_fg_hits", "_cd_bg_hits"):
        con.execute(f"drop table if exists {t}")
    if not prepared:
        con.execute("drop table if exists _cd_tg; drop table if exists _cd_sym")
    return pd.concat(out, ignore_index=True)
