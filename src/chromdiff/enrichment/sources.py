"""Gene-set sources of a run: the embedded GO (human Entrez ids) or a user GMT file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from chromdiff.annotation.symbolcase import case_note
from chromdiff.enrichment.build_go import PROVENANCE
from chromdiff.enrichment.gmt import load_gmt_sets
from chromdiff.enrichment.go import load_go_sets

#: Genomes whose embedded annotation uses Entrez ids of human genes (the embedded GO's ids).
GO_GENOMES = ("hg38", "hg19")


@dataclass(frozen=True)
class SetSource:
    """One collection of gene sets loaded into a temp table."""

    name: str  # GO:BP, GO:MF, GO:CC or gmt:<file name>
    version: str | None
    table: str


def go_available(
    genome: str | None, annotation_id: str | None, *, gmt_hint: str = "pass --gmt FILE"
) -> str | None:
    """Return why the embedded GO cannot be used here, or None when it can.

    ``gmt_hint`` says how to bring gene sets (a stored run's is the ``chromdiff enrich``
    command that takes ``--gmt``: ``compare`` and ``integrate`` have no such option).
    """
    if genome not in GO_GENOMES:
        return f"no embedded gene sets for genome {genome!r} (GO is human only); {gmt_hint}"
    if annotation_id is not None and not annotation_id.startswith("embedded:"):
        return (
            f"annotation {annotation_id} is a GTF whose gene ids are not Entrez ids, which the "
            f"embedded GO uses; {gmt_hint} with the GTF's ids or symbols"
        )
    return None


def go_source(ontology: str) -> SetSource:
    """Return the source of one embedded GO ontology (its table is loaded by ``load_go_sets``)."""
    return SetSource(
        f"GO:{ontology.upper()}", PROVENANCE["version"], f"_cd_sets_go_{ontology.lower()}"
    )


def load_sources(
    con: duckdb.DuckDBPyConnection,
    ontologies: tuple[str, ...] = ("BP",),
    gmt: str | Path | None = None,
    *,
    use_go: bool = True,
) -> list[SetSource]:
    """Load the GO ontologies (when ``use_go``) and the GMT file; return their sources."""
    out = []
    if use_go:
        for ont in ontologies:
            src = go_source(ont)
            load_go_sets(con, ont, src.table)
            out.append(src)
    if gmt is not None:
        load_gmt_sets(con, gmt, "_cd_sets_gmt")
        out.append(SetSource(f"gmt:{Path(gmt).name}", None, "_cd_sets_gmt"))
    return out


def map_gmt_ids(
    con: duckdb.DuckDBPyConnection,
    table: str,
    annotation_id: str,
    notes: list[str] | None = None,
    name: str = "GMT",
) -> tuple[str, int]:
    """Rewrite a GMT table's genes to ``annotation_id``'s gene ids when they are symbols.

    The GMT's ids are compared with the annotation's gene ids and symbols (case-insensitive for
    symbols); whichever matches more genes wins. Returns (``gene_id`` | ``symbol``, matched).
    When symbols win and most are written in the other species' style (a human GMT against
    mm10: ``CDKN1A`` matched ``Cdkn1a``), ``notes`` (if given) gets the warning gene lists get
    (:func:`~chromdiff.annotation.symbolcase.case_note`; ``name`` names the GMT in it).
    """
    by_id, by_sym = con.execute(
        f"""select
              (select count(distinct s.gene_id) from {table} s
               semi join ann_genes g on g.gene_id = s.gene_id and g.annotation_id = ?),
              (select count(distinct s.gene_id) from {table} s
               semi join ann_genes g on upper(g.symbol) = upper(s.gene_id)
                  and g.annotation_id = ?)""",
        [annotation_id, annotation_id],
    ).fetchall()[0]
    if by_sym > by_id:
        if notes is not None:
            matched = con.execute(
                f"""select distinct s.gene_id from {table} s semi join ann_genes g
                on upper(g.symbol) = upper(s.gene_id) and g.annotation_id = ?
                order by s.gene_id""",
                [annotation_id],
            ).fetchall()
            warn = case_note([r[0] for r in matched], annotation_id, what="GMT", gene_sets=True)
            notes += [f"{name}: {warn}"] if warn else []
        con.execute(
            f"""create or replace temp table {table} as
            select distinct s.set_id, s.set_name, g.gene_id from {table} s
            join (select distinct gene_id, upper(symbol) as sym from ann_genes
                  where annotation_id = ?) g on g.sym = upper(s.gene_id)""",
            [annotation_id],
        )
        return "symbol", int(by_sym)
    return "gene_id", int(by_id)
