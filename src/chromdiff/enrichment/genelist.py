"""A user's gene list: read it, and map each entry to the annotation's gene IDs, saying how."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chromdiff.annotation.genesql import GENE_ID_ORDER
from chromdiff.annotation.symbolcase import case_note
from chromdiff.errors import InputError

#: An Ensembl gene ID (ENSG human, ENSMUSG mouse, ...), with or without its ``.N`` version.
_ENSEMBL = re.compile(r"^ENS[A-Z]*G\d{11}(\.\d+)?$")


def id_hint(ids) -> str | None:
    """Say what to do when most ``ids`` are Ensembl gene IDs (no embedded gene set uses them).

    chromdiff has no offline Ensembl table to map them with.

    Parameters
    ----------
    ids : iterable
        The gene identifiers of a list or universe.

    Returns
    -------
    str or None
        The hint when more than half look like ``ENSG``/``ENSMUSG`` IDs, else None.
    """
    ids = [str(i) for i in ids]
    ens = [i for i in ids if _ENSEMBL.match(i)]
    if 2 * len(ens) <= len(ids):
        return None
    return (
        f"{len(ens):,} of {len(ids):,} look like Ensembl gene IDs (e.g. {ens[0]}); GO and the "
        "embedded annotations use Entrez IDs and symbols, and chromdiff has no offline Ensembl "
        "table: map them first (e.g. with Ensembl BioMart)"
    )


def read_gene_list(path: str | Path) -> list[str]:
    """Read gene ids: the first tab/comma-separated field of each line; ``#`` lines skipped.

    Raises
    ------
    InputError
        The file is missing or lists no gene.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: gene list file not found")
    genes = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        field = line.replace(",", "\t").split("\t")[0].strip().strip('"')
        if field and not field.startswith("#"):
            genes.append(field)
    if not genes:
        raise InputError(f"{path}: the gene list is empty")
    return list(dict.fromkeys(genes))


@dataclass
class GeneMapping:
    """A gene list mapped to an annotation's gene IDs (see :func:`map_gene_list`)."""

    annotation_id: str
    #: One ID per entry, in order (an entry not found stays as given: only a gene set listing
    #: that very ID counts it).
    ids: list[str] = field(default_factory=list)
    by_id: int = 0
    by_symbol: int = 0
    #: Entries matched by a symbol several genes carry (the smallest Entrez ID taken).
    ambiguous: int = 0
    unmapped: list[str] = field(default_factory=list)
    #: :func:`~chromdiff.annotation.symbolcase.case_note` on the symbols matched by name.
    species: str | None = None

    def note(self, what: str, listed: set[str] = frozenset()) -> str:
        """One line: how many entries of list ``what`` were found, and how.

        ``listed``: the entries not found that a gene set lists under that very ID (kept as
        given, they count there: an Entrez ID in GO but not in the hg19 build).
        """
        n = len(self.ids)
        line = (
            f"{what}: {n - len(self.unmapped):,} of {n:,} genes found in {self.annotation_id} "
            f"({self.by_id:,} by gene ID, {self.by_symbol:,} by symbol"
        )
        if self.ambiguous:
            line += f", {self.ambiguous:,} of them a symbol of several genes: smallest ID taken"
        line += ")"
        lost = [g for g in self.unmapped if g not in listed]
        if lost:
            line += f"; not found, so in no gene set: {', '.join(lost[:3])}"
            line += " …" if len(lost) > 3 else ""
        kept = [g for g in self.unmapped if g in listed]
        if kept:
            line += (
                f"; not in {self.annotation_id} but kept as given, as a gene set lists that "
                f"ID: {', '.join(kept[:3])}" + (" …" if len(kept) > 3 else "")
            )
        if self.species:
            line += f". {self.species}"
        return line


def map_gene_list(
    con: duckdb.DuckDBPyConnection, genes: list[str], annotation_id: str
) -> GeneMapping:
    """Map each entry to the annotation's gene ID: itself if it is one, else by its symbol.

    Symbols match case-insensitively; a symbol several genes carry maps to the numerically
    smallest Entrez ID (the longest-standing).
    """
    known = {
        r[0]
        for r in con.execute(
            "select distinct gene_id from ann_genes where annotation_id = ?", [annotation_id]
        ).fetchall()
    }
    sym = {
        u: (g, n > 1)
        for u, g, n in con.execute(
            f"select upper(symbol), arg_min(gene_id, {GENE_ID_ORDER}), "
            "count(distinct gene_id) from ann_genes where annotation_id = ? "
            "and symbol is not null group by 1",
            [annotation_id],
        ).fetchall()
    }
    m = GeneMapping(annotation_id)
    by_name = []
    for g in genes:
        if g in known:
            m.ids.append(g)
            m.by_id += 1
        elif g.upper() in sym:
            gene_id, ambiguous = sym[g.upper()]
            m.ids.append(gene_id)
            m.by_symbol += 1
            m.ambiguous += ambiguous
            by_name.append(g)
        else:
            m.ids.append(g)
            m.unmapped.append(g)
    m.species = case_note(by_name, annotation_id)
    return m
