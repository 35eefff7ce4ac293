"""``chromdiff examples``: list the built-in example designs, show one, or write its ID files."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("name", required=False)
@click.option("--write", "write_dir", type=click.Path(file_okay=False),
              help="Write NAME's groups to DIR/A.txt and DIR/B.txt.")  # fmt: skip
def command(name: str | None, write_dir: str | None) -> None:
    """List example designs, or show the IDs and caveats of NAME."""
    from chromdiff.design.examples import EXAMPLES, get_example

    if name is None:
        for ex in EXAMPLES.values():
            click.echo(
                f"{ex.name:34s} {ex.genome:6s} {ex.analysis:8s} "
                f"{len(ex.ids_a)} vs {len(ex.ids_b)}  {ex.description}"
            )
        return
    ex = get_example(name)
    click.echo(f"{ex.name}: {ex.description}")
    click.echo(f"genome {ex.genome}, analysis {ex.analysis}")
    click.echo(f"A ({ex.description_a}): {', '.join(ex.ids_a)}")
    click.echo(f"B ({ex.description_b}): {', '.join(ex.ids_b)}")
    for caveat in ex.design_caveats:
        click.echo(f"caveat: {caveat}")
    if write_dir:
        out = Path(write_dir)
        out.mkdir(parents=True, exist_ok=True)
        for grp, ids, desc in (
            ("A", ex.ids_a, ex.description_a),
            ("B", ex.ids_b, ex.description_b),
        ):
            (out / f"{grp}.txt").write_text(
                f"# {ex.name} group {grp}: {desc}\n" + "\n".join(ids) + "\n"
            )
        click.echo(f"wrote {out / 'A.txt'} and {out / 'B.txt'}")
