"""Build the embedded annotations (hg38, hg19, mm10) from their public sources, deterministically.

Run ``python -m chromdiff.annotation.build [--sources DIR] [--fetch]``. The inputs, named with
their public source, version and sha256 in ``src/chromdiff/data/annotation/SOURCES.json``
(see :mod:`chromdiff.annotation.sources`), are checked first; a missing or different file stops
the build with one error line. For each genome it writes three zstd Parquet files into
``src/chromdiff/data/annotation/`` (all 0-based half-open), byte-identical on every run:

* ``<g>_genes.parquet``: one row per gene *locus*: gene_id (Entrez), symbol, chrom, start, stop,
  strand, tss (0-based base of the locus' 5' end);
* ``<g>_transcripts.parquet``: tx_id (RefSeq NM_/NR_), gene_id, symbol, chrom, start, stop,
  strand (UCSC refGene spans shipped with BETA 1.0.7; ``GeneID:<id>`` for the chrM genes);
* ``<g>_exons.parquet``: Rsubread's exons, merged per gene (gene_id, chrom, start, stop, strand).

The sources' known faults are corrected, never copied (:mod:`chromdiff.annotation.sourcefaults`):
small-RNA split alignments are left out, split alignments of duplicated genes are cut back to
their gene's exons, an exon longer than all of its gene's transcripts is replaced by their
extent, and each chrM gene is given one transcript. The counts of each correction are returned
(and printed) with the row counts.

Conventions (``docs/annotation.md``):

* **Transcript -> gene.** Among the Entrez genes with a Rsubread exon on the transcript's
  chromosome and strand overlapping its span, ranked explicitly (booleans coalesced to false, so
  a gene without a symbol never outranks one with it): the gene org.Hs.eg.db maps the accession
  to (human), then the gene whose symbol equals the transcript's, then the gene whose exons
  hold the transcript's two end bases, then the most exonic bases in the span, then the smallest
  gene_id; a transcript over :data:`SMALL_RNA_MAX_SPAN` is never a small RNA's it does not name,
  and a small RNA's transcript over it (a split alignment) is left out. No overlapping gene:
  the accession's gene (human; the smallest gene_id if several), else NULL.
* **Loci.** A gene's exons belong together only within one locus: its transcript spans and exons
  on one chromosome and strand, chained by overlap. Introns (gaps between consecutive exons of a
  locus, computed by the engine per ``ann_genes`` row) therefore only lie inside the gene's own
  transcripts; a Rsubread copy of the gene elsewhere (GeneID 100126512: six 74-bp copies across
  chr1:16.5-149.6 Mb) or an exon no transcript of the gene covers is a locus of its own.
* **Symbols.** org.Hs.eg.db 3.16's symbol of the Entrez gene (human), else the refGene symbol
  of the gene's transcripts (most coding NM_ transcripts, then most transcripts, then
  alphabetical) unless org.Hs.eg.db gives that symbol to another gene (then none: a symbol
  names one gene); a transcript carries its
  gene's symbol (none when its gene's was taken), or its refGene symbol when it has no gene.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

from chromdiff.annotation.embedded import DATA_DIR, GENOMES, PROVENANCE
from chromdiff.annotation.sourcefaults import (
    SMALL_RNA_MAX_SPAN,
    SMALL_RNA_SYMBOL,
    add_mito_transcripts,
    clip_split_alignments,
    fix_implausible_exons,
    small_rna_sql,
)
from chromdiff.annotation.sources import (
    MANIFEST,
    default_source_dir,
    fetch_sources,
    load_manifest,
    verify_sources,
)
from chromdiff.errors import InputError

__all__ = [
    "DATA_DIR",
    "GENOMES",
    "PROVENANCE",
    "SMALL_RNA_MAX_SPAN",
    "SMALL_RNA_SYMBOL",
    "build",
    "build_genome",
    "main",
]

HUMAN = ("hg38", "hg19")
ORG_DB = "org.Hs.eg.db/extdata/org.Hs.eg.sqlite"

#: mm10's mitochondrial genes: refGene has no chrM transcript, so no symbol reached the 15
#: Rsubread chrM Entrez IDs (``mt-Co1`` in a DE table matched nothing). NCBI Gene symbols, as
#: Ensembl BioMart's mm10 xref maps the 13 coding genes (celloracle 0.20.0
#: ``biomart_xref.mm10.txt``); 17724/17725 are the 12S/16S rRNA genes mt-Rnr1/mt-Rnr2
#: (NCBI Gene), at Rsubread's chrM:70-1024 and 1094-2675 as in Ensembl.
MOUSE_MT_SYMBOLS = {
    "17705": "mt-Atp6", "17706": "mt-Atp8", "17708": "mt-Co1", "17709": "mt-Co2",
    "17710": "mt-Co3", "17711": "mt-Cytb", "17716": "mt-Nd1", "17717": "mt-Nd2",
    "17718": "mt-Nd3", "17719": "mt-Nd4", "17720": "mt-Nd4l", "17721": "mt-Nd5",
    "17722": "mt-Nd6", "17724": "mt-Rnr1", "17725": "mt-Rnr2",
}  # fmt: skip

#: Total order of each output file's rows (every column, so ties cannot reorder bytes).
ORDER = {
    "genes": "chrom, start, stop, strand, gene_id, symbol, tss",
    "transcripts": "chrom, start, stop, strand, tx_id, gene_id, symbol",
    "exons": "chrom, start, stop, strand, gene_id",
}


def _load_org(con: duckdb.DuckDBPyConnection, sqlite_path: Path) -> None:
    """Create ``org_sym(entrez, symbol)`` and ``org_acc(acc, entrez)`` from org.Hs.eg.db."""
    db = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        sym = db.execute(
            "select g.gene_id, i.symbol from genes g join gene_info i using (_id) order by 1"
        ).fetchall()
        acc = db.execute(
            "select r.accession, g.gene_id from refseq r join genes g using (_id)"
            " where r.accession like 'NM\\_%' escape '\\' or r.accession like 'NR\\_%' escape '\\'"
            " order by 1, 2"
        ).fetchall()
    finally:
        db.close()
    for name, cols, rows in (
        ("org_sym", ("entrez", "symbol"), sym),
        ("org_acc", ("acc", "entrez"), acc),
    ):
        arrow = pa.table(
            {c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(cols)}
        )
        con.register(f"_{name}", arrow)
        con.execute(f"create or replace temp table {name} as select * from _{name}")
        con.unregister(f"_{name}")


def _empty_org(con: duckdb.DuckDBPyConnection) -> None:
    """Create the org tables of non-human genomes: ``no_sym``, ``no_acc``, ``mm10_sym``.

    The first two are empty; ``mm10_sym`` holds :data:`MOUSE_MT_SYMBOLS`.
    """
    con.execute(
        """create or replace temp table no_sym (entrez varchar, symbol varchar);
           create or replace temp table no_acc (acc varchar, entrez varchar);
           create or replace temp table mm10_sym (entrez varchar, symbol varchar)"""
    )
    con.executemany("insert into mm10_sym values (?, ?)", sorted(MOUSE_MT_SYMBOLS.items()))


def build_genome(con: duckdb.DuckDBPyConnection, genome: str, src: Path, out: Path) -> dict:
    """Build the three Parquet files of one genome from sources dir ``src``; return row counts.

    Human genomes read tables ``org_sym`` and ``org_acc`` (:func:`_load_org`), others the
    empty ``no_sym`` and ``no_acc`` (mm10 its mitochondrial symbols, ``mm10_sym``).
    """
    sym, acc = ("org_sym", "org_acc") if genome in HUMAN else ("no_sym", "no_acc")
    if genome == "mm10":
        sym = "mm10_sym"
    con.execute(
        f"""create or replace temp table raw_exons as
        select distinct GeneID::varchar as gene_id, Chr as chrom, Start - 1 as start,
               "End" as stop, Strand as strand
        from read_csv('{src}/Rsubread/annot/{genome}_RefSeq_exon.txt', delim='\t', header=true,
                      columns={{'GeneID':'VARCHAR','Chr':'VARCHAR','Start':'BIGINT',
                                'End':'BIGINT','Strand':'VARCHAR'}})"""
    )
    con.execute(
        f"""create or replace temp table raw_tx as
        select row_number() over (order by chrom, start, stop, strand, tx_id, symbol) as rid, *
        from (select distinct "#name" as tx_id, chrom, strand, txStart as start, txEnd as stop,
                     name2 as symbol
              from read_csv('{src}/BETA/references/{genome}.refseq', delim='\t', header=true,
                            columns={{'#name':'VARCHAR','chrom':'VARCHAR','strand':'VARCHAR',
                                      'txStart':'BIGINT','txEnd':'BIGINT',
                                      'name2':'VARCHAR'}}))
        where not (stop - start > {SMALL_RNA_MAX_SPAN} and {small_rna_sql("symbol")})"""
    )
    # exonic bases of each overlapping same-strand gene within each transcript span, and how many
    # of the transcript's two end bases its exons hold (a refGene span starts and ends on exons:
    # its own gene holds both, a short gene nested in its intron neither)
    con.execute(
        """create or replace temp table cand as
        select t.rid, e.gene_id,
               sum(least(t.stop, e.stop) - greatest(t.start, e.start)) as ov,
               max((e.start <= t.start and t.start < e.stop)::int)
                   + max((e.start < t.stop and t.stop <= e.stop)::int) as ends
        from raw_tx t join raw_exons e
          on e.chrom = t.chrom and e.strand = t.strand and e.start < t.stop and t.start < e.stop
        group by t.rid, e.gene_id"""
    )
    if genome in HUMAN:
        con.execute(
            f"create or replace temp table gsym as select entrez as gene_id, symbol from {sym}"
        )
    else:  # mouse: a first pass by exonic overlap names the genes from their transcripts
        con.execute(
            """create or replace temp table gsym as
            with best as (
                select rid, gene_id from cand
                qualify row_number() over (partition by rid order by ends desc, ov desc,
                                                                     gene_id) = 1),
            n as (select b.gene_id, t.symbol, count(*) filter (where t.tx_id like 'NM\\_%'
                                                               escape '\\') as n_nm,
                         count(*) as n
                  from best b join raw_tx t using (rid)
                  where t.symbol is not null group by b.gene_id, t.symbol)
            select gene_id, symbol from n
            qualify row_number() over (partition by gene_id order by n_nm desc, n desc,
                                                                     symbol) = 1"""
        )
    # Explicit ranking: every comparison coalesced to false, so a NULL (gene without a symbol,
    # accession without an Entrez gene) ranks as "no match", never first.
    con.execute(
        f"""create or replace temp table tx_gene as
        with ranked as (
            select c.rid, c.gene_id,
                   row_number() over (partition by c.rid order by
                       coalesce(exists (select 1 from {acc} a
                                        where a.acc = t.tx_id and a.entrez = c.gene_id), false)
                           desc,
                       coalesce(s.symbol = t.symbol, false) desc, c.ends desc, c.ov desc,
                       c.gene_id) as k
            from cand c join raw_tx t using (rid) left join gsym s using (gene_id)
            -- a long transcript is not a small RNA's: a host gene's (Mir22hg, Mirg, SNHG24)
            -- overlaps its microRNA's exon but, without an exon of its own here, took its name
            where not (t.stop - t.start > {SMALL_RNA_MAX_SPAN} and {small_rna_sql("s.symbol")}
                       and upper(s.symbol) is distinct from upper(t.symbol)))
        select t.rid, coalesce(r.gene_id, (select min(a.entrez) from {acc} a
                                           where a.acc = t.tx_id)) as gene_id
        from raw_tx t left join (select rid, gene_id from ranked where k = 1) r using (rid)"""
    )
    # symbol of each gene: org.Hs.eg.db's, else the refGene symbol most of its transcripts
    # carry, unless org.Hs.eg.db gives that symbol to another gene (taken: a Rsubread ID that
    # org.Hs.eg.db no longer lists, e.g. hg19 100506087 beside RABGAP1L = 9910, would answer for
    # RABGAP1L; ChIPseeker, through org.Hs.eg.db, gives such an ID no symbol either)
    con.execute(
        f"""create or replace temp table gene_symbol as
        with ids as (select distinct gene_id from raw_exons
                     union select distinct gene_id from tx_gene where gene_id is not null),
        n as (select g.gene_id, t.symbol, count(*) as n,
                     count(*) filter (where t.tx_id like 'NM\\_%' escape '\\') as n_nm
              from tx_gene g join raw_tx t using (rid)
              where g.gene_id is not null and t.symbol is not null group by g.gene_id, t.symbol),
        -- a coding transcript's symbol first: a host gene with one NM_ and one miRNA NR_ inside
        -- it is the host (Parp1, not Mir6904)
        ref as (select gene_id, symbol from n
                qualify row_number() over (partition by gene_id
                                           order by n_nm desc, n desc, symbol) = 1),
        official as (select distinct upper(symbol) as usym from {sym}),
        j as (select i.gene_id, o.symbol as own, r.symbol as ref,
                     o.symbol is null and upper(r.symbol) in (select usym from official) as taken
              from ids i left join {sym} o on o.entrez = i.gene_id left join ref r using (gene_id))
        select gene_id, case when taken then null else coalesce(own, ref) end as symbol, taken
        from j"""
    )
    # corrections for the sources' known faults (chromdiff.annotation.sourcefaults)
    con.execute(
        """create or replace temp table tx_of_gene as
        select t.rid, t.tx_id, g.gene_id, t.chrom, t.start, t.stop, t.strand
        from raw_tx t join tx_gene g using (rid)"""
    )
    fixes = {
        "exons_replaced": fix_implausible_exons(con, "raw_exons", "tx_of_gene", "b_exons"),
        "spans_clipped": clip_split_alignments(con, "tx_of_gene", "b_exons", "tx_clipped"),
    }
    con.execute(
        """create or replace temp table b_tx as
        select t.tx_id, c.gene_id,
               case when s.taken then null else coalesce(s.symbol, t.symbol) end as symbol,
               t.chrom, c.start, c.stop, t.strand
        from raw_tx t join tx_clipped c using (rid) left join gene_symbol s using (gene_id)"""
    )
    fixes["mito_transcripts"] = add_mito_transcripts(con, "b_tx", "b_exons", "gene_symbol")
    # Loci: a gene's transcript spans and exons on one chromosome and strand, chained by overlap.
    con.execute(
        """create or replace temp table b_genes as
        with iv as (select gene_id, chrom, strand, start, stop from b_tx where gene_id is not null
                    union all select gene_id, chrom, strand, start, stop from b_exons),
        o as (select *, max(stop) over (partition by gene_id, chrom, strand order by start, stop
                                        rows between unbounded preceding and 1 preceding) as pm
              from iv),
        k as (select *, sum((pm is null or start >= pm)::int)
                        over (partition by gene_id, chrom, strand order by start, stop
                              rows unbounded preceding) as locus
              from o),
        l as (select gene_id, chrom, strand, min(start) as start, max(stop) as stop
              from k group by gene_id, chrom, strand, locus)
        select l.gene_id, s.symbol, l.chrom, l.start, l.stop, l.strand,
               case when l.strand = '-' then l.stop - 1 else l.start end as tss
        from l left join gene_symbol s using (gene_id)"""
    )
    counts = {}
    tables = {"genes": "b_genes", "transcripts": "b_tx", "exons": "b_exons"}
    for name, table in tables.items():
        path = out / f"{genome}_{name}.parquet"
        con.execute(
            f"copy (select * from {table} order by {ORDER[name]}) to '{path}' "
            "(format parquet, compression zstd, compression_level 19)"
        )
        counts[name] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    return counts | fixes


def build(
    src: Path,
    out: Path = DATA_DIR,
    *,
    manifest: dict | None = None,
    genomes: tuple[str, ...] = GENOMES,
) -> dict[str, dict]:
    """Check the inputs in ``src`` against ``manifest`` and build ``genomes`` into ``out``.

    Returns ``genome -> row counts``. Single-threaded with a total row order, so two builds from
    the same inputs write byte-identical files.

    Raises
    ------
    InputError
        An input is missing or differs from the manifest (nothing is written then).
    """
    manifest = load_manifest(MANIFEST) if manifest is None else manifest
    verify_sources(src, manifest)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 1, "preserve_insertion_order": True})
    con.execute("set enable_progress_bar = false")
    result = {}
    try:
        _empty_org(con)
        if any(g in HUMAN for g in genomes):
            _load_org(con, Path(src) / ORG_DB)
        for genome in genomes:
            result[genome] = build_genome(con, genome, Path(src), out)
    finally:
        con.close()
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: build every embedded genome (or ``--genome``); print row counts."""
    p = argparse.ArgumentParser(
        prog="python -m chromdiff.annotation.build", description=__doc__.split("\n")[0]
    )
    p.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="sources directory (default: $CHROMDIFF_ANNOTATION_SOURCES or .annotation-sources)",
    )
    p.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    p.add_argument("--manifest", type=Path, default=MANIFEST, help="manifest of the inputs")
    p.add_argument("--genome", action="append", choices=GENOMES, help="build only this genome")
    p.add_argument("--fetch", action="store_true", help="first fetch the inputs into --sources")
    p.add_argument(
        "--beta-repo", type=Path, default=None, help="local clone of suwangbio/BETA for --fetch"
    )
    args = p.parse_args(argv)
    src = args.sources or default_source_dir()
    manifest = load_manifest(args.manifest)
    try:
        if args.fetch:
            fetch_sources(src, manifest, args.beta_repo)
        counts = build(src, args.out, manifest=manifest, genomes=tuple(args.genome or GENOMES))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for genome, n in counts.items():
        print(genome, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
