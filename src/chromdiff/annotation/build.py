"""Build the embedded annotations (hg38, hg19, mm10) from ``../shared/data/annotation``.

Run ``uv run python -m chromdiff.annotation.build [SOURCE_DIR]``. For each genome it writes three
zstd Parquet files into ``src/chromdiff/data/annotation/`` (all 0-based half-open):

* ``<g>_genes.parquet``: gene_id (Entrez), symbol, chrom, start, stop, strand, tss (0-based base);
* ``<g>_transcripts.parquet``: tx_id (RefSeq NM_/NR_), gene_id, symbol, chrom, start, stop, strand;
* ``<g>_exons.parquet``: exons merged per gene (gene_id, chrom, start, stop, strand).

Sources: gene spans, TSS and symbols for hg38 from ``orgHsEgDb_3.16_hg38_gene_spans.parquet``;
for hg19/mm10 gene spans are the extent of the Rsubread merged exons (Entrez), symbols from
org.Hs.eg.db (hg19) or the best-overlapping refGene transcript (mm10). Transcripts come from the
BETA refGene tables; each gets the Entrez gene on the same strand that overlaps it, preferring the
one with the same symbol, then the largest overlap. Rsubread exons are 1-based closed (start - 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from chromdiff._env import REPO_ROOT

GENOMES = ("hg38", "hg19", "mm10")
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "annotation"

#: Provenance recorded in ``annotation_sources`` when an embedded build is loaded.
PROVENANCE = {
    "hg38": (
        "org.Hs.eg.db 3.16.0 gene spans (UCSC knownGene 2022-08-31); UCSC refGene via BETA 1.0.7;"
        " Rsubread 2.12.2 RefSeq exons",
        "orgHsEgDb-3.16/BETA-1.0.7/Rsubread-2.12.2",
        "Artistic-2.0 / MIT / GPL-3+ packages; NCBI RefSeq + UCSC data public",
    ),
    "hg19": (
        "UCSC refGene via BETA 1.0.7; Rsubread 2.12.2 RefSeq exons; symbols org.Hs.eg.db 3.16.0",
        "BETA-1.0.7/Rsubread-2.12.2",
        "MIT / GPL-3+ packages; NCBI RefSeq + UCSC data public",
    ),
    "mm10": (
        "UCSC refGene via BETA 1.0.7; Rsubread 2.12.2 RefSeq exons",
        "BETA-1.0.7/Rsubread-2.12.2",
        "MIT / GPL-3+ packages; NCBI RefSeq + UCSC data public",
    ),
}


def default_source_dir() -> Path:
    """Return ``../shared/data/annotation`` beside the checkout."""
    root = REPO_ROOT or Path.cwd()
    return root.parent / "shared" / "data" / "annotation"


def _gene_sql(genome: str, src: Path) -> str:
    org = f"'{src}/orgHsEgDb_3.16_hg38_gene_spans.parquet'"
    if genome == "hg38":
        return f"""
            select entrez as gene_id, symbol, chrom, start0 as start, "end" as stop, strand,
                   tss0 as tss
            from {org}"""
    sym = (
        f"(select entrez, any_value(symbol) as symbol from {org} group by entrez)"
        if genome == "hg19"
        else "(select null::varchar as entrez, null::varchar as symbol where false)"
    )
    return f"""
        select g.gene_id, s.symbol, g.chrom, g.start, g.stop, g.strand,
               case when g.strand = '-' then g.stop - 1 else g.start end as tss
        from (select GeneID::varchar as gene_id, Chr as chrom, Strand as strand,
                     min(Start) - 1 as start, max("End") as stop
              from raw_exons group by all) g
        left join {sym} s on s.entrez = g.gene_id"""


def build_genome(con: duckdb.DuckDBPyConnection, genome: str, src: Path, out: Path) -> dict:
    """Build the three Parquet files of one genome; return their row counts."""
    con.execute(
        f"""create or replace temp table raw_exons as
        select * from read_csv('{src}/annotation_refseq_rsubread/{genome}_RefSeq_exon.txt.gz',
                               delim='\t', header=true,
                               columns={{'GeneID':'VARCHAR','Chr':'VARCHAR','Start':'BIGINT',
                                         'End':'BIGINT','Strand':'VARCHAR'}})"""
    )
    con.execute(
        f"""create or replace temp table raw_tx as
        select "#name" as tx_id, chrom, strand, txStart as start, txEnd as stop, name2 as symbol
        from read_csv('{src}/annotation_beta_refgene/{genome}.refseq.tsv.gz', delim='\t',
                      header=true)"""
    )
    con.execute(f"create or replace temp table b_genes as {_gene_sql(genome, src)}")
    # Each transcript -> the overlapping same-strand gene, same symbol first, then largest overlap.
    con.execute(
        """create or replace temp table b_tx as
        select t.tx_id, arg_max(g.gene_id, [(g.symbol = t.symbol)::int,
                                 least(t.stop, g.stop) - greatest(t.start, g.start)]) as gene_id,
               t.symbol, t.chrom, t.start, t.stop, t.strand
        from raw_tx t left join b_genes g
          on g.chrom = t.chrom and g.strand = t.strand and g.start < t.stop and t.start < g.stop
        group by t.tx_id, t.symbol, t.chrom, t.start, t.stop, t.strand"""
    )
    if genome == "mm10":  # symbols from the best-overlapping transcript
        con.execute(
            """update b_genes set symbol = s.symbol from (
                 select gene_id, arg_max(symbol, stop - start) as symbol from b_tx
                 where gene_id is not null group by gene_id) s
               where s.gene_id = b_genes.gene_id"""
        )
    con.execute(
        """create or replace temp table b_exons as
        select GeneID::varchar as gene_id, Chr as chrom, Start - 1 as start, "End" as stop, Strand
               as strand from raw_exons"""
    )
    counts = {}
    order = {
        "genes": "chrom, start, gene_id",
        "transcripts": "chrom, start, tx_id",
        "exons": "chrom, start, gene_id",
    }
    for name, table in (("genes", "b_genes"), ("transcripts", "b_tx"), ("exons", "b_exons")):
        path = out / f"{genome}_{name}.parquet"
        con.execute(
            f"copy (select * from {table} order by {order[name]}) to '{path}' "
            "(format parquet, compression zstd, compression_level 19)"
        )
        counts[name] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    return counts


def main(argv: list[str] | None = None) -> None:
    """Build every embedded genome; print row counts."""
    argv = sys.argv[1:] if argv is None else argv
    src = Path(argv[0]) if argv else default_source_dir()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for genome in GENOMES:
        print(genome, build_genome(con, genome, src, DATA_DIR))


if __name__ == "__main__":
    main()
