"""Batch files: many comparisons in one YAML or CSV file, validated before anything runs.

YAML::

    defaults: {genome: hg38, analysis: diffbind, fdr: 0.05}
    comparisons:
      - name: h3k27ac_molm13_vs_k562
        ids_a: [SRX1, SRX2]
        ids_b: [SRX3, SRX4]
        description_a: MOLM-13
        description_b: K-562

CSV (header required; ids separated by ``;`` or whitespace)::

    name,ids_a,ids_b,genome,analysis,fdr,min_abs_logfc
    h3k27ac,SRX1;SRX2,SRX3;SRX4,hg38,diffbind,0.05,0

Text fields (name, labels, title, genome, analysis) that YAML would read as another type
(``2024_01``, ``0755``, ``on``, a date) must be quoted; unquoted they are refused.

``ids_a_file`` / ``ids_b_file`` may replace ``ids_a`` / ``ids_b``: text files with one id per
line (``#`` comments allowed), relative to the batch file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from chromdiff.design.comparison import check_thresholds
from chromdiff.design.inputs import validate_ids
from chromdiff.errors import InputError, path_tried

FIELDS = (
    "name", "ids_a", "ids_b", "ids_a_file", "ids_b_file", "genome", "analysis", "threshold",
    "description_a", "description_b", "title", "fdr", "min_abs_logfc",
)  # fmt: skip
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class BatchItem:
    """One comparison of a batch; ``name`` becomes its ``comparison_id``."""

    name: str
    ids_a: list[str]
    ids_b: list[str]
    genome: str = "hg38"
    analysis: str = "diffbind"
    threshold: int | None = None
    description_a: str = "dataset A"
    description_b: str = "dataset B"
    title: str | None = None
    fdr: float = 0.05
    min_abs_logfc: float = 0.0

    def flow_parameters(self) -> dict:
        """Keyword arguments for ``flows.compare.compare`` (without db/output/base_url)."""
        params = asdict(self)
        params["comparison_id"] = params.pop("name")
        return params


def _ids(value: object, where: str, base: Path, file_value: object, strict: bool) -> list[str]:
    if value in (None, "") and file_value not in (None, ""):
        path = (base / str(file_value)).resolve()
        if not path.is_file():
            raise InputError(f"{where}: id file {path} does not exist")
        lines = [ln.split("#", 1)[0].strip() for ln in path.read_text().splitlines()]
        value = [ln for ln in lines if ln]
    if isinstance(value, str):
        value = [v for v in re.split(r"[;,\s]+", value) if v]
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: needs a non-empty list of experiment ids")
    ids = [str(v).strip() for v in value]
    # a run checks each ID when its comparison runs: a typo fails that comparison alone
    return validate_ids(ids, where) if strict else ids


def _item(raw: dict, where: str, base: Path, strict: bool) -> BatchItem:
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InputError(
            f"{where}: unknown field(s) {', '.join(unknown)} (allowed: {', '.join(FIELDS)})"
        )
    name = str(raw.get("name") or "").strip()
    if not _NAME_RE.match(name):
        raise InputError(f"{where}, column name: missing or invalid comparison name {name!r}")
    kw: dict = {"name": name}
    for grp in ("a", "b"):
        kw[f"ids_{grp}"] = _ids(raw.get(f"ids_{grp}"), f"{where}, column ids_{grp}", base,
                                raw.get(f"ids_{grp}_file"), strict)  # fmt: skip
    for key in ("genome", "analysis", "description_a", "description_b", "title"):
        if raw.get(key) not in (None, ""):
            kw[key] = str(raw[key]).strip()
    for key, typ in (("threshold", int), ("fdr", float), ("min_abs_logfc", float)):
        if raw.get(key) not in (None, ""):
            try:
                kw[key] = typ(raw[key])
            except (TypeError, ValueError):
                raise InputError(f"{where}, column {key}: not a number: {raw[key]!r}") from None
    if kw.get("analysis", "diffbind") not in ("diffbind", "dmr"):
        raise InputError(
            f"{where}, column analysis: must be diffbind or dmr, not {kw['analysis']!r}"
        )
    item = BatchItem(**kw)
    try:
        check_thresholds(item.analysis, item.fdr, item.min_abs_logfc,
                         ("column fdr", "column min_abs_logfc"))  # fmt: skip
    except InputError as exc:
        raise InputError(f"{where}, {exc}") from None
    if strict:
        _check_offline(item, where)
    return item


def _check_offline(item: BatchItem, where: str) -> None:
    """Run every check the comparison flow runs before contacting the server (``--check``)."""
    from chromdiff.design.comparison import ComparisonSpec

    try:
        ComparisonSpec(
            list(item.ids_a), list(item.ids_b), item.genome, item.analysis, item.threshold,
            item.title, item.description_a, item.description_b,
        ).validated()  # fmt: skip
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _yaml_rows(path: Path) -> list[tuple[str, dict]]:
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"{path}:{pos} invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("comparisons"), list):
        raise InputError(f"{path}: expected a mapping with a 'comparisons' list")
    _refuse_retyped_text(path, yaml.compose(path.read_text()))
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InputError(f"{path}: 'defaults' must be a mapping")
    rows = []
    for i, entry in enumerate(doc["comparisons"], start=1):
        if not isinstance(entry, dict):
            raise InputError(f"{path}: comparison #{i} must be a mapping")
        rows.append((f"{path}: comparison #{i}", {**defaults, **entry}))
    return rows


#: Fields that are text: a YAML value of another type there is refused (see below).
TEXT_FIELDS = ("name", "genome", "analysis", "description_a", "description_b", "title")
#: YAML's implicit types other than text (and null, an empty field) as the error names them.
_KINDS = {"int": "a number", "float": "a number", "bool": "yes/no", "timestamp": "a date"}


def _refuse_retyped_text(path: Path, root: yaml.Node) -> None:
    """Refuse text fields that YAML read as another type.

    ``2024_01`` is the number 202401, ``0755`` is 493, ``on`` is True. They used to be turned
    back into text silently (``str(202401)``), naming a comparison or labelling a group with
    what was not written.
    """
    mappings = []
    for key, value in root.value:
        if key.value == "defaults" and isinstance(value, yaml.MappingNode):
            mappings.append(("defaults", value))
        if key.value == "comparisons" and isinstance(value, yaml.SequenceNode):
            mappings += [(f"comparison #{i}", n) for i, n in enumerate(value.value, start=1)
                         if isinstance(n, yaml.MappingNode)]  # fmt: skip
    for where, mapping in mappings:
        for key, value in mapping.value:
            kind = _KINDS.get(getattr(value, "tag", "").rsplit(":", 1)[-1])
            if key.value in TEXT_FIELDS and isinstance(value, yaml.ScalarNode) and kind:
                raise InputError(
                    f"{path}: {where} (line {value.start_mark.line + 1}), column {key.value}: "
                    f"YAML reads {value.value} as {kind}, not as text: quote it ({key.value}: "
                    f'"{value.value}")'
                )


def _csv_rows(path: Path) -> list[tuple[str, dict]]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise InputError(f"{path}: line 1: CSV header must include 'name'")
        rows = []
        for row in reader:
            extra = row.get(None)  # csv.DictReader files fields beyond the header under None
            if extra and any(v.strip() for v in extra):
                raise InputError(
                    f"{path}: line {reader.line_num}: {len(reader.fieldnames) + len(extra)} "
                    f"fields, the header has {len(reader.fieldnames)} (a list of IDs must be "
                    f"separated by ';' or spaces, or quoted): {', '.join(extra)}"
                )
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                rows.append(
                    (f"{path}: line {reader.line_num}", {k: v for k, v in row.items() if k})
                )
    return rows


def load_batch(path: str | Path, *, strict: bool = True) -> list[BatchItem]:
    """Parse and validate a batch file (``.yaml``/``.yml`` or ``.csv``).

    ``strict`` (``batch --check``) also runs every check the comparison flow runs before it
    contacts the server (ID pattern, IDs in both groups, genome, threshold, labels). The batch
    flow loads non-strictly: such a comparison then fails alone, and the others still run.

    Raises
    ------
    InputError
        One line naming the file, the comparison (YAML) or line (CSV) and the column at fault;
        also for duplicate names or an empty batch.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path_tried(path)}: batch file does not exist")
    if path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(path)
    elif path.suffix.lower() == ".csv":
        rows = _csv_rows(path)
    else:
        raise InputError(f"{path}: batch file must end in .yaml, .yml or .csv")
    items = [_item(raw, where, path.parent, strict) for where, raw in rows]
    if not items:
        raise InputError(f"{path}: no comparisons")
    seen: set[str] = set()
    for (where, _), item in zip(rows, items, strict=True):
        if item.name in seen:
            raise InputError(f"{where}, column name: duplicate comparison name {item.name!r}")
        seen.add(item.name)
    return items


def select_items(items: list[BatchItem], only: Sequence[str] | None) -> list[BatchItem]:
    """Return the items named in ``only`` in file order (every item when ``only`` is empty).

    ``batch --only NAME`` runs part of a batch, e.g. ``--force --only NAME`` re-submits one
    comparison whose job failed for good without re-submitting the others.

    Raises
    ------
    InputError
        A name that is not a comparison of the batch (the batch's names are listed).
    """
    if not only:
        return items
    names = [it.name for it in items]
    unknown = [n for n in only if n not in names]
    if unknown:
        raise InputError(
            f"--only {', '.join(unknown)}: not a comparison of the batch "
            f"(its comparisons: {', '.join(names)})"
        )
    return [it for it in items if it.name in set(only)]
