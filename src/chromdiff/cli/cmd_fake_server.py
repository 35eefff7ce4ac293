"""``chromdiff fake-server``: run the local fake ChIP-Atlas server in the foreground."""

from __future__ import annotations

import json
import time

import click


@click.command("fake-server")
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1.")
@click.option("--scenario-json", type=click.Path(exists=True, dir_okay=False),
              help="JSON object of scenario knobs (see docs/chipatlas.md).")  # fmt: skip
@click.option("--result-format", type=click.Choice(["diffbind_2025", "diffbind_2024", "dmr"]),
              default=None, help="Layout of the main BED.")  # fmt: skip
@click.option("--n-regions", type=int, default=None, help="Regions per simulated result.")
def command(
    port: int, scenario_json: str | None, result_format: str | None, n_regions: int | None
) -> None:
    """Serve the ChIP-Atlas Diff Analysis protocol with SIMULATED results until Ctrl-C."""
    from chromdiff.fakeapi import FakeChipAtlas, Scenario

    knobs = json.loads(open(scenario_json).read()) if scenario_json else {}
    if result_format:
        knobs["result_format"] = result_format
    if n_regions:
        knobs["n_regions"] = n_regions
    try:
        scenario = Scenario.from_dict(knobs)
    except (TypeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    with FakeChipAtlas(scenario, port=port) as server:
        click.echo(f"fake ChIP-Atlas (simulated results) at {server.base_url}  (Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
