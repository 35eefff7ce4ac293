"""Gene symbols written in the other species' style: a mouse table read against a human build.

Symbols are matched case-insensitively, so mouse symbols (``Trp53``, ``Gpr1``: capital first
letter, lower-case after) find the human genes of the same name (``GPR1``) and a mouse table run
with ``--genome hg38`` goes through without a word. HGNC writes human symbols in capitals and MGI
mouse symbols with only the first letter capital: when most symbols that matched are written in
the other species' style, the user is told.
"""

from __future__ import annotations

import re

#: Mouse style (MGI): a capital, then at least one lower-case letter (``Gpr1``, ``Trp53``).
_MOUSE = re.compile(r"^[A-Z][a-z0-9]*[a-z][A-Za-z0-9.-]*$")
#: Human style (HGNC): capitals and digits only, with at least two letters (``GPR1``).
_HUMAN = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9.-]+$")

#: Fewer matched symbols than this say nothing either way.
MIN_SYMBOLS = 20


def species_of(annotation_id: str) -> str | None:
    """Return ``human``/``mouse`` for an embedded build's id, None for others (a GTF)."""
    genome = annotation_id.removeprefix("embedded:")
    if genome == annotation_id:
        return None
    return {"hg": "human", "mm": "mouse"}.get(genome[:2])


def case_note(
    symbols: list[str], annotation_id: str, *, what: str = "table", gene_sets: bool = False
) -> str | None:
    """Return a warning when most matched ``symbols`` are written in the other species' style.

    ``symbols``: the input's symbols that matched a gene of ``annotation_id`` by symbol;
    ``what``: the input, as the warning names it. ``gene_sets``: the input is a gene-set
    collection (a GMT), whose fix is another collection rather than another ``--genome``.
    """
    species = species_of(annotation_id)
    if species is None or len(symbols) < MIN_SYMBOLS:
        return None
    style, other = (_MOUSE, "mouse") if species == "human" else (_HUMAN, "human")
    odd = [s for s in symbols if style.match(s)]
    if 2 * len(odd) <= len(symbols):
        return None
    genome = "mm10" if other == "mouse" else "hg38 or hg19"
    examples = ", ".join(list(dict.fromkeys(odd))[:3])
    fix = (
        f"Then use a {species} collection (e.g. MSigDB's {species} gene sets)"
        if gene_sets
        else f"Then give --genome {genome}"
    )
    return (
        f"{len(odd):,} of {len(symbols):,} symbols matched by name are written in {other} "
        f"style (e.g. {examples}) but were matched to {species} genes of {annotation_id}, "
        f"ignoring case: is the {what} from {other}? {fix}"
    )
