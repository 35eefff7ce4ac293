"""Parameters of one integration run (thresholds, link rule), validated once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import duckdb

from chromdiff.errors import InputError

LINK_RULES = ("nearest", "distance", "great")
COORDINATE_BASES = ("auto", "0", "1")


@dataclass(frozen=True)
class IntegrationParams:
    """Significance cutoffs (each side separately) and the peak–gene link rule.

    A peak is significant when ``|logfc| > atac_lfc`` and ``padj < atac_padj``; a gene when
    ``|logfc| > rna_lfc`` and ``padj < rna_padj`` (the tutorial's defaults: 1 and 0.05).
    """

    atac_lfc: float = 1.0
    atac_padj: float = 0.05
    rna_lfc: float = 1.0
    rna_padj: float = 0.05
    link_rule: str = "nearest"
    max_distance: int = 100_000
    coordinate_base: str = "auto"
    title: str = "integration"
    simulated: bool = False

    def validated(self) -> IntegrationParams:
        """Return self, or raise :class:`InputError` naming the bad parameter."""
        if self.link_rule not in LINK_RULES:
            raise InputError(f"--link {self.link_rule!r}: expected one of {', '.join(LINK_RULES)}")
        if str(self.coordinate_base) not in COORDINATE_BASES:
            raise InputError(f"--coordinates {self.coordinate_base!r}: expected auto, 0 or 1")
        for name in ("atac_lfc", "rna_lfc"):
            if not getattr(self, name) >= 0:
                raise InputError(f"{name} must be >= 0 (got {getattr(self, name)})")
        for name in ("atac_padj", "rna_padj"):
            if not 0 < getattr(self, name) <= 1:
                raise InputError(f"{name} must be in (0, 1] (got {getattr(self, name)})")
        if not 0 < self.max_distance <= 10_000_000:
            raise InputError(f"max_distance must be in (0, 10 Mb] (got {self.max_distance})")
        return self

    def digest(self, *parts: str) -> str:
        """Short hash of the parameters and ``parts`` (input hashes): a default integration_id."""
        blob = json.dumps([asdict(self), *parts], sort_keys=True).encode()
        return "int_" + hashlib.sha256(blob).hexdigest()[:12]


def stored_integration(con: duckdb.DuckDBPyConnection, integration_id: str) -> dict:
    """Return the ``integrations`` row of ``integration_id`` as a dict (column -> value).

    Raises
    ------
    InputError
        The integration is not in the database.
    """
    cur = con.execute("select * from integrations where integration_id = ?", [integration_id])
    rows = cur.fetchall()  # all: fetchone left the result open, and a later register() failed
    if not rows:
        raise InputError(f"integration {integration_id!r} is not in the database")
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))
