"""Which experiments the server used, in which count-column order, and which IDs it dropped.

The server does not count what was submitted: DA maps GSM IDs to SRX, drops IDs it cannot map
with a ``[WARNING]`` line (inutano/chip-atlas ``script/update_2025/DA/DA``:268-314) and writes
the count columns in the shell's glob order of its ``<SRX>.count`` files (DA:537), which follows
the server's locale, not necessarily ``sorted()``. edgeR prints one ``[INFO] <samples> <SRX>
<group>`` line per count column in that order (``edgeR.r``:27-38), and each group's values in
the main BED keep it (edgeR.r:64). The IGV BED's ``SRXs ("<desc>")=`` lists name each group's
SRXs after ``sort`` (DA:674-692). This module reads those and ties every submitted ID to the
server's experiment and count position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from chromdiff.errors import InputError

_SAMPLE_RE = re.compile(r"^\[INFO\] <samples> (\S+) ([AB])\s*$")
_DROPPED_RE = re.compile(
    r'^\[WARNING\] "(?P<id>[^"]+)" (?P<why>unmapped for \S+|is not a valid SRX or GSM ID)'
    r" and has been ignored\.\s*$"
)
#: 2025: ``SRXs%20("<desc>")=<ids>;`` (DA:691-692); legacy 2024: ``SRXs%20(<desc>)=<ids>;``.
_SRX_LIST_RE = re.compile(r'SRXs%20\("?(?P<desc>[^";]*?)"?\)=(?P<ids>[^;]*);')


@dataclass
class ExperimentUse:
    """How the server used one submitted ID.

    ``server_id`` is the SRX the server counted under (the ID itself for SRX/ERX/DRX inputs,
    the mapped SRX for a GSM), ``count_order`` its 1-based position in the group's count list,
    ``dropped`` the server's reason when it was not used (its ``[WARNING]`` text, or a GSM the
    server counted no sample for), ``unattributed`` why a used ID has no count column (several
    GSMs of a group: the server does not say which SRX each became). ``None`` where unknown.
    """

    experiment_id: str
    grp: str
    server_id: str | None
    count_order: int | None
    dropped: str | None = None
    unattributed: str | None = None


@dataclass
class ServerLayout:
    """The count columns of each group as the server wrote them, and each input's use.

    ``source`` says where the order came from: ``log`` (edgeR's sample lines), ``igv`` (the IGV
    BED's SRX lists), ``log_queried`` (a 2024 log's ``Queried SRXs``) or ``assumed`` (no server
    statement: sorted input IDs).
    """

    columns_a: list[str]
    columns_b: list[str]
    source: str
    experiments: list[ExperimentUse]
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> ServerLayout:
        """Rebuild a layout from :func:`dataclasses.asdict` output (it crosses process bounds)."""
        data = dict(data)
        data["experiments"] = [ExperimentUse(**e) for e in data["experiments"]]
        return cls(**data)

    @property
    def dropped(self) -> list[ExperimentUse]:
        """Inputs the server did not use (or that could not be tied to a count column)."""
        return [e for e in self.experiments if e.dropped]


def log_samples(log_text: str) -> list[tuple[str, str]]:
    """Return edgeR's ``(ID, group)`` sample lines in log order (= count-column order)."""
    out = []
    for line in log_text.splitlines():
        m = _SAMPLE_RE.match(line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def log_dropped(log_text: str) -> dict[str, str]:
    """Return ``ID -> [WARNING] line`` for every ID DA dropped (unmapped GSM, invalid ID)."""
    out = {}
    for line in log_text.splitlines():
        m = _DROPPED_RE.match(line.strip())
        if m:
            out.setdefault(m.group("id"), line.strip())
    return out


def log_queried(log_text: str) -> tuple[list[str], list[str]] | None:
    """Return the 2024 script's ``Queried SRXs`` lists (group A, group B), or None.

    Its ``init_log`` (inutano/chip-atlas ``script/diff-analysis/
    diff_analysis_for_ChIP_ATAC_DNase.sh``:118-128) writes ``  <label>: <ID,ID,...>`` per group,
    in submission order, before GSMs are mapped in place (``do_gsm2srx``, :248-262); its count
    columns keep that order (``def_var2``/``combine_count_tbl``, :266-296, :467-485).
    """
    lines = log_text.splitlines()
    try:
        at = next(i for i, x in enumerate(lines) if x.strip() == "Queried SRXs")
    except StopIteration:
        return None
    groups = [x.rpartition(": ")[2].strip() for x in lines[at + 1 : at + 3] if ": " in x]
    if len(groups) != 2:
        return None
    return tuple([i for i in g.split(",") if i] for g in groups)


def igv_srx_lists(igv_path: str | Path | None) -> tuple[list[str], list[str]] | None:
    """Return the A and B SRX lists of the first IGV BED row (``None`` if there is no row).

    The first ``SRXs ("<desc>")`` key is group A, the second group B (DA:691-692).
    """
    if not igv_path or not Path(igv_path).exists():
        return None
    with open(igv_path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4 or fields[0].startswith(("track", "browser", "#")):
                continue
            lists = [m.group("ids") for m in _SRX_LIST_RE.finditer(fields[3])]
            if len(lists) >= 2:
                return tuple([unquote(x) for x in lists[i].split(",") if x] for i in (0, 1))
            return None
    return None


def _tie_group(
    grp: str, ids: list[str], columns: list[str] | None, dropped: dict[str, str]
) -> tuple[list[ExperimentUse], list[str]]:
    """Tie a group's inputs to its server columns (``None``: the server said nothing)."""
    uses, notes = [], []
    if columns is None:  # no statement from the server: the sorted inputs, GSMs as themselves
        kept = sorted(i for i in ids if i not in dropped)
        for i in ids:
            pos = kept.index(i) + 1 if i in kept else None
            uses.append(ExperimentUse(i, grp, i if pos else None, pos, dropped.get(i)))
        return uses, notes
    position = {s: n for n, s in enumerate(columns, 1)}
    claimed = {i for i in ids if i in position}
    free = [s for s in columns if s not in claimed]
    open_gsm = [i for i in ids if i.startswith("GSM") and i not in claimed and i not in dropped]
    if len(free) > len(open_gsm):
        # more server experiments than inputs that could have become them: another job's result
        raise InputError(
            f"group {grp}: the server counted {', '.join(free)}, which no input of the group "
            f"names{f' ({len(open_gsm)} GSM input(s) could be mapped)' if open_gsm else ''}: the "
            "result is not this comparison's (a --request-id of another job?); give the matching "
            "--request-id, or --force to submit anew"
        )
    for i in ids:
        if i in claimed:
            uses.append(ExperimentUse(i, grp, i, position[i]))
        elif i in dropped:
            uses.append(ExperimentUse(i, grp, None, None, dropped[i]))
        elif i in open_gsm and len(open_gsm) == len(free) == 1:
            uses.append(ExperimentUse(i, grp, free[0], position[free[0]]))
        elif i in open_gsm and free:  # counted, but the server does not say as which SRX
            uses.append(
                ExperimentUse(
                    i, grp, None, None,
                    unattributed=f"counted as one of {', '.join(free)}; the server does not "
                    "say which, so its counts are not attributed",
                )
            )  # fmt: skip
        else:
            uses.append(
                ExperimentUse(i, grp, None, None, "not among the samples the server counted")
            )
    if open_gsm and len(open_gsm) != len(free):
        notes.append(
            f"group {grp}: {len(open_gsm)} GSM input(s) but {len(free)} unclaimed server "
            f"sample(s) ({', '.join(free) or 'none'})"
        )
    return uses, notes


def resolve_layout(
    ids_a: list[str],
    ids_b: list[str],
    *,
    log_text: str | None = None,
    igv_path: str | Path | None = None,
    has_counts: bool = True,
) -> ServerLayout:
    """Tie the submitted IDs to the server's experiments and count columns.

    Order of evidence: edgeR's ``[INFO] <samples>`` lines in the log (count-column order), else
    the IGV BED's SRX lists (2025: sorted by the server's ``sort``, the same collation as its
    glob; 2024: the submission order its counts keep), else a 2024 log's ``Queried SRXs`` lists
    (:func:`log_queried`), else the sorted input IDs. IDs the log says were ignored are recorded
    as dropped with that line. A GSM is tied to the group's one server SRX that no SRX input
    claims; with several GSMs the pairing is not stated by the server: they were used, but their
    counts are left unattributed (``ExperimentUse.unattributed``), not dropped.
    ``has_counts`` is False for dmr results (no count columns: no warning about them).
    """
    text = log_text or ""
    dropped = log_dropped(text)
    samples = log_samples(text)
    if samples:
        cols = (
            [s for s, g in samples if g == "A"],
            [s for s, g in samples if g == "B"],
        )
        source = "log"
    else:
        if lists := igv_srx_lists(igv_path):
            cols, source = lists, "igv"
        elif queried := log_queried(text):  # a 2024 result whose IGV BED has no row
            cols, source = queried, "log_queried"
        else:
            cols, source = (None, None), "assumed"
    uses_a, notes_a = _tie_group("A", list(ids_a), cols[0], dropped)
    uses_b, notes_b = _tie_group("B", list(ids_b), cols[1], dropped)
    uses = uses_a + uses_b
    if source == "assumed":
        cols = tuple(
            [u.server_id for u in sorted(us, key=lambda u: u.count_order or 0) if u.count_order]
            for us in (uses_a, uses_b)
        )
    warnings = notes_a + notes_b
    if source == "igv":
        for grp, col in (("A", cols[0]), ("B", cols[1])):
            pairs = [(x, y) for x in col for y in col if x != y and y.startswith(x)]
            if pairs:  # `sort` and the glob of "<SRX>.count" can disagree on these (locale)
                warnings.append(
                    f"group {grp}: the log names no samples and the order of "
                    f"{pairs[0][0]} and {pairs[0][1]} in the count columns depends on the "
                    "server's locale; their counts may be swapped"
                )
    for u in uses:
        if u.dropped:
            warnings.append(f"{u.experiment_id} (group {u.grp}) not used: {u.dropped}")
        elif u.unattributed:
            warnings.append(f"{u.experiment_id} (group {u.grp}) {u.unattributed}")
    if has_counts and source == "assumed" and any(i.startswith("GSM") for i in [*ids_a, *ids_b]):
        warnings.append(
            "the server's log names no samples: GSM inputs were mapped by sorted input ID and "
            "their counts may be misattributed"
        )
    return ServerLayout(list(cols[0]), list(cols[1]), source, uses, warnings)


def layout_for_files(
    ids_a: list[str],
    ids_b: list[str],
    analysis: str,
    log_path: str | Path | None,
    igv_path: str | Path | None,
) -> ServerLayout:
    """Run :func:`resolve_layout` on a downloaded result's log and IGV BED (either may be None)."""
    log_text = Path(log_path).read_text(errors="replace") if log_path else None
    return resolve_layout(
        ids_a, ids_b, log_text=log_text, igv_path=igv_path, has_counts=analysis == "diffbind"
    )
