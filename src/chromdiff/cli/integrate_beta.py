"""``chromdiff integrate --method beta``: BETA 1.0.7 ``basic`` options and the run."""

from __future__ import annotations

import click

#: BETA basic's options (bin/BETA:90-103), under BETA's names; -d is --max-distance.
_OPTIONS = (
    click.option(
        "--da",
        type=float,
        default=0.5,
        show_default=True,
        help="BETA: DE genes per sign, top by FDR (fraction if <= 1, else a count).",
    ),
    click.option(
        "--pn", type=int, default=10_000, show_default=True, help="BETA: top peaks by score."
    ),
    click.option(
        "--df",
        "diff_fdr",
        type=float,
        default=1.0,
        show_default=True,
        help="BETA: FDR threshold of DE genes.",
    ),
    click.option(
        "-c",
        "--cutoff",
        type=float,
        default=0.001,
        show_default=True,
        help="BETA: KS p cutoff selecting the groups whose targets are ranked.",
    ),
    click.option("--gname2", is_flag=True, help="BETA: DE IDs are gene symbols, not RefSeq."),
    click.option("--bl", is_flag=True, help="BETA: CTCF boundaries limit a gene's peaks."),
    click.option(
        "--bf",
        type=click.Path(dir_okay=False),
        help="BETA: CTCF boundary BED for --bl [BETA's hg19 sites].",
    ),
    click.option(
        "--reference",
        type=click.Path(dir_okay=False),
        help="BETA: RefSeq table (name, chrom, strand, txStart, txEnd, name2) "
        "[BETA's of --genome].",
    ),
)


def beta_options(func):
    """Add BETA's options to a click command."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def run_beta_cli(
    *,
    atac,
    comparison,
    rna,
    genome,
    max_distance,
    atac_columns,
    rna_columns,
    title,
    integration_id,
    db_path,
    output_dir,
    export_formats,
    da,
    pn,
    diff_fdr,
    cutoff,
    gname2,
    bl,
    bf,
    reference,
) -> None:
    """Check everything in memory (one-line errors before Prefect), then run the flow."""
    import duckdb

    from chromdiff.errors import InputError
    from chromdiff.integration.beta_mode import BetaOptions
    from chromdiff.integration.beta_store import compute_beta
    from chromdiff.integration.columns import parse_mapping

    if comparison is not None:
        raise InputError(
            "--method beta needs --atac PEAKS (a BED of binding sites), not --comparison"
        )
    if genome is None and reference is None:
        raise InputError("--method beta needs --genome (hg19, hg38, mm10) or --reference TABLE")
    opts = BetaOptions(
        da=da,
        pn=pn,
        distance=max_distance,
        df=diff_fdr,
        cutoff=cutoff,
        gname2=gname2,
        boundary=bl,
        bf=bf,
    ).validated()
    maps = {"atac_columns": parse_mapping(atac_columns), "rna_columns": parse_mapping(rna_columns)}
    with duckdb.connect() as scratch:  # the whole run in memory: bad input fails here, in one line
        compute_beta(scratch, rna=rna, peaks=atac, genome=genome, reference=reference,
                     opts=opts, **maps)  # fmt: skip
    click.echo(f"BETA basic on {atac} with {rna}", err=True)
    from flows.integrate import integrate

    out = integrate(rna=rna, atac=atac, genome=genome, db_path=db_path, output_dir=output_dir,
                    integration_id=integration_id, method="beta", beta_options=opts,
                    reference=reference, title=title, export_formats=export_formats,
                    **maps)  # fmt: skip
    print_beta_summary(out)


def print_beta_summary(out: dict) -> None:
    """Print a BETA-mode run's function prediction and where the report is."""
    click.echo(f"BETA integration {out['integration_id']}: {out['n_peaks']:,} peaks x "
               f"{out['n_genes']:,} DE rows; background: {out['background_rule']}")  # fmt: skip
    for grp, r in out["function"].items():
        p = r["p_value"]
        shown = "< 1e-300" if p == 0 else f"{p:.3e}"
        click.echo(f"  {grp:<5} n = {r['n_genes']} vs {r['n_background']}: D = {r['d']:.4f}, "
                   f"p = {shown}")  # fmt: skip
    sel = ", ".join(out["selected"]) or "none"
    click.echo(f"  selected (p <= cutoff): {sel}; {out['n_targets']} targets")
    click.echo(f"  report:   {out['report']['html']}")
