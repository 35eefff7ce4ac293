"""Built-in example designs (chipatlas_api.md §9.1 and the official per-species examples §9.2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chromdiff.errors import InputError


@dataclass(frozen=True)
class Example:
    """One example comparison: two ID groups and how to run them."""

    name: str
    genome: str
    analysis: str
    ids_a: tuple[str, ...]
    ids_b: tuple[str, ...]
    description_a: str
    description_b: str
    description: str
    design_caveats: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        """Return the example as a plain dict (lists instead of tuples)."""
        return {
            "name": self.name,
            "genome": self.genome,
            "analysis": self.analysis,
            "ids_a": list(self.ids_a),
            "ids_b": list(self.ids_b),
            "description_a": self.description_a,
            "description_b": self.description_b,
            "description": self.description,
            "design_caveats": list(self.design_caveats),
        }


def _srx(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"SRX{i}" for i in range(first, last + 1))


_GENOTYPES = "R175H, Y220C, M237I, R248Q, R273H, R282W, KO, WT"

EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            name="tp53_k562_dmso_vs_daunorubicin",
            genome="hg38",
            analysis="diffbind",
            ids_a=_srx(5865959, 5865966),
            ids_b=_srx(5865967, 5865974),
            description_a="K562_DMSO",
            description_b="K562_Daunorubicin",
            description="TP53 ChIP-seq in K-562 (GSE131484), vehicle (DMSO) vs daunorubicin.",
            design_caveats=(
                f"Each group is 8 different TP53 genotypes ({_GENOTYPES}), not replicates: "
                "edgeR averages the genotypes out.",
            ),
        ),
        Example(
            name="tp53_molm13_vs_k562",
            genome="hg38",
            analysis="diffbind",
            ids_a=("SRX5865975", "SRX5865976", "SRX5865977", "SRX5865982"),
            ids_b=("SRX5865959", "SRX5865960", "SRX5865961", "SRX5865966"),
            description_a="MOLM-13",
            description_b="K-562",
            description=(
                "TP53 ChIP-seq (GSE131484), MOLM-13 (AML, male) vs K-562 (CML, female), DMSO."
            ),
            design_caveats=(
                "4 TP53 genotypes per group (R175H, Y220C, M237I, WT), not replicates.",
                "Different cell lines of different sex: a chrY confound is expected.",
            ),
        ),
        Example(
            name="official_hg_diffbind",
            genome="hg38",
            analysis="diffbind",
            ids_a=("SRX4099758", "SRX4099759"),
            ids_b=("SRX3481056", "SRX3481057"),
            description_a="dataset A",
            description_b="dataset B",
            description="chip-atlas.org 'Try with example' IDs for human, diffbind.",
        ),
        Example(
            name="official_hg_dmr",
            genome="hg38",
            analysis="dmr",
            ids_a=_srx(6831786, 6831791),
            ids_b=_srx(6831796, 6831799),
            description_a="dataset A",
            description_b="dataset B",
            description="chip-atlas.org 'Try with example' IDs for human, dmr (Bisulfite-seq).",
        ),
        Example(
            name="official_mm_diffbind",
            genome="mm10",
            analysis="diffbind",
            ids_a=_srx(18419259, 18419261),
            ids_b=_srx(18419262, 18419264),
            description_a="dataset A",
            description_b="dataset B",
            description="chip-atlas.org 'Try with example' IDs for mouse, diffbind.",
        ),
    )
}


def get_example(name: str) -> Example:
    """Return the example called ``name``.

    Raises
    ------
    InputError
        If there is no such example; the message lists the available ones.
    """
    try:
        return EXAMPLES[name]
    except KeyError:
        raise InputError(f"no example named {name!r}; available: {', '.join(EXAMPLES)}") from None
