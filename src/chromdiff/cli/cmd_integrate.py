"""``chromdiff integrate``: differential peaks × RNA-seq differential expression."""

from __future__ import annotations

import click

from chromdiff.cli.integrate_beta import beta_options, run_beta_cli
from chromdiff.cli.options import exports_option


def _cutoff_options(side: str, what: str):
    """Add ``--<side>-lfc`` and ``--<side>-padj`` to a command.

    A ``what`` is differential at |log2FC| > lfc and padj < padj
    (:class:`chromdiff.integration.params.IntegrationParams`).
    """

    def add(f):
        f = click.option(f"--{side}-padj", type=float, default=0.05, show_default=True,
                         help="... and padj < this.")(f)  # fmt: skip
        return click.option(f"--{side}-lfc", type=float, default=1.0, show_default=True,
                            help=f"A {what} is differential at |log2FC| > this ...")(f)  # fmt: skip

    return add


@click.command()
@click.option(
    "--atac",
    type=click.Path(dir_okay=False),
    help="Differential peaks (DiffBind/DESeq2/edgeR table, BED, MACS; .gz ok).",
)
@click.option("--comparison", help="Use a chromdiff comparison in the database as the peaks.")
@click.option(
    "--keep-qc-excluded",
    is_flag=True,
    help="With --comparison: keep its regions on chromosomes its QC says to exclude from "
    "interpretation (a sex-chromosome confound, major chrM enrichment); left out by default.",
)
@click.option(
    "--rna",
    required=True,
    type=click.Path(dir_okay=False),
    help="DE table (DESeq2, edgeR, limma, cuffdiff; CSV/TSV/Parquet, .gz ok).",
)
@click.option("--genome", help="hg38, hg19 or mm10 (embedded annotation) [comparison's].")
@click.option("--gtf", type=click.Path(dir_okay=False), help="User annotation (GTF, .gz ok).")
@click.option(
    "--link",
    "link_rule",
    default="nearest",
    show_default=True,
    type=click.Choice(["nearest", "distance", "great"]),
    help="Peak-gene rule.",
)
@click.option(
    "--max-distance",
    type=int,
    default=100_000,
    show_default=True,
    help="Window of --link distance (bp); BETA's -d with --method beta.",
)
@_cutoff_options("atac", "peak")
@_cutoff_options("rna", "gene")
@click.option(
    "--atac-columns",
    help="Override peak columns: role=column,... "
    "(roles: chrom,start,stop,name,logfc,padj,pvalue,score).",
)
@click.option(
    "--rna-columns",
    help="Override DE columns: role=column,... (roles: gene,symbol,entrez,logfc,padj,pvalue).",
)
@click.option(
    "--coordinates",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "0", "1"]),
    help="Peak starts 0-based (BED) or 1-based (R/GRanges); auto: 1 for a MACS _peaks.xls, "
    "DiffBind's own report or a seqnames table, 0 for BED and Galaxy's DiffBind table.",
)
@click.option(
    "--method",
    default="chromdiff",
    show_default=True,
    type=click.Choice(["chromdiff", "beta"]),
    help="beta: BETA 1.0.7 basic, reproduced exactly (docs/integration.md).",
)
@beta_options
@click.option("--title", default="integration", show_default=True, help="Title of the report.")
@click.option("--id", "integration_id", help="Integration ID (default: hash of the inputs).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="DuckDB file.")
@click.option("--output", "output_dir", type=click.Path(file_okay=False), help="Output folder.")
@exports_option
@click.option(
    "--enrich/--no-enrich",
    default=True,
    show_default=True,
    help="GO BP ORA of each category and the up/down genes (docs/enrichment.md).",
)
def command(
    atac,
    comparison,
    keep_qc_excluded,
    rna,
    genome,
    gtf,
    link_rule,
    max_distance,
    atac_lfc,
    atac_padj,
    rna_lfc,
    rna_padj,
    atac_columns,
    rna_columns,
    coordinates,
    method,
    title,
    integration_id,
    db_path,
    output_dir,
    export_formats,
    enrich,
    **beta,
) -> None:
    """Integrate differential peaks with differential expression (concordance, scores, BETA)."""
    from chromdiff.errors import InputError
    from chromdiff.integration.columns import parse_mapping
    from chromdiff.integration.params import IntegrationParams
    from chromdiff.integration.preflight import preflight

    if (atac is None) == (comparison is None):
        raise InputError("give exactly one of --atac FILE or --comparison ID")
    if keep_qc_excluded and comparison is None:
        raise InputError("--keep-qc-excluded applies to --comparison only")
    if method == "beta":
        run_beta_cli(atac=atac, comparison=comparison, rna=rna, genome=genome,
                     max_distance=max_distance, atac_columns=atac_columns,
                     rna_columns=rna_columns, title=title, integration_id=integration_id,
                     db_path=db_path, output_dir=output_dir,
                     export_formats=export_formats, **beta)  # fmt: skip
        return
    if atac is not None and genome is None and gtf is None:
        raise InputError("--genome is required with --atac (hg38, hg19, mm10) unless --gtf")
    params = IntegrationParams(
        atac_lfc=atac_lfc,
        atac_padj=atac_padj,
        rna_lfc=rna_lfc,
        rna_padj=rna_padj,
        link_rule=link_rule,
        max_distance=max_distance,
        coordinate_base=coordinates,
        title=title,
    ).validated()
    maps = {"atac_columns": parse_mapping(atac_columns), "rna_columns": parse_mapping(rna_columns)}
    # bad input fails before Prefect (the genes too, against an embedded genome's annotation)
    preflight(rna=rna, peaks=atac, params=params, genome=None if gtf else genome, **maps)
    if comparison is not None:
        from chromdiff.integration.preflight import preflight_comparison
        from chromdiff.settings import get_settings

        preflight_comparison(db_path or get_settings().db_path, comparison)
    click.echo(f"integrating {atac or 'comparison ' + comparison} with {rna}", err=True)
    from chromdiff.cli.prefect_hint import prefect_hint

    prefect_hint()
    from flows.integrate import integrate

    out = integrate(rna=rna, atac=atac, comparison=comparison, genome=genome, gtf=gtf,
                    db_path=db_path, output_dir=output_dir, integration_id=integration_id,
                    params=params, enrich=enrich, export_formats=export_formats,
                    keep_qc_excluded=keep_qc_excluded, **maps)  # fmt: skip
    print_summary(out)


def print_summary(out: dict) -> None:
    """Print what an integration run produced (also used by ``chromdiff demo``)."""
    from chromdiff.report.text import fmt_num, fmt_q

    s = out["stats"]
    unmatched = (out.get("genes") or {}).get("unmatched", 0)
    rows = (
        f"{out['n_genes']:,} genes"
        if not unmatched
        else (
            f"{out['n_genes'] - unmatched:,} genes (+{unmatched:,} DE rows not in the annotation)"
        )
    )
    click.echo(
        f"integration {out['integration_id']}: {out['n_peaks']:,} peaks x {rows} "
        f"({out['annotation_id']})"
    )
    for warning in out.get("warnings", []):  # the comparison's failed QC first
        click.echo(f"  WARNING:  {warning}")
    for note in out["notes"]:
        click.echo(f"  note:     {note}")
    click.echo(
        f"  pairs:    {s['n_significant_pairs']} significant on both sides, Pearson r = "
        f"{fmt_num(s['pearson_r'], 3)}"
    )
    ks = [
        f"{d} p {t}" if t.startswith("<") else f"{d} p = {t}"
        for d, t in (("up", fmt_q(s["ks_p_up"])), ("down", fmt_q(s["ks_p_down"])))
    ]
    click.echo(f"  BETA KS:  {', '.join(ks)}")
    click.echo(f"  report:   {out['report']['html']}")
