"""What the server's ``DA`` script does with a job's ID lists (simulated for the fake server).

Read from inutano/chip-atlas at commit 21d848e (``script/update_2025/DA/DA`` and
``script/update_2025/DA/edgeR.r``); every rule cites its line. This is a simulation of the
server, not chromdiff logic: the client learns the outcome only from what the server writes
(log lines, result files), as it would from the real service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: DA:301 - the IDs the mapping step keeps (URL lines are named by ``prepare_url_list`` first).
ID_RE = re.compile(r"^(GSM|[EDS]RX)[0-9]+$")
#: DA:269 - first fields that do not trigger the "not a valid SRX or GSM ID" warning.
_NO_WARNING_RE = re.compile(r"^(http|GSM|[EDS]RX[0-9]+$)")
#: DA:343-344 - the assay each method needs, as the error message names it.
EXP_TYPE = {"dmr": "Bisulfite-seq", "diffbind": "ChIP-seq/ATAC-seq/DNase-seq"}


@dataclass
class DAInputs:
    """The outcome of DA's input steps for one job.

    Attributes
    ----------
    srx_a, srx_b : list of str
        The ``srx_a``/``srx_b`` files: each group's user-data names ``URL_<group><k>`` first
        (DA:225-233), then its IDs in input order, GSMs replaced by their SRX, dropped IDs left
        out (DA:286-314).
    warnings : list of str
        ``[WARNING]`` messages (without the tag) in the order DA writes them.
    error : str or None
        The ``[ERROR]`` message that ends the job, if any.
    silent_exit : bool
        True when the error comes from the organism/assay check, which ends with
        ``awk ... || exit 1`` (DA:359) and so skips ``handle_error`` (DA:46-56): the finished
        markers ``wabi_result.html``/``.tsv`` are never written.
    before_start : bool
        True when the error comes from ``parse_arguments`` (DA:761), which runs before the
        log is started (DA:763-764): the log holds the ``[ERROR]`` line alone.
    """

    srx_a: list[str] = field(default_factory=list)
    srx_b: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    silent_exit: bool = False
    before_start: bool = False


#: DA:90-94 - the values ``validate_arguments`` accepts, in its order (THRESHOLD: any method).
VALID_ARGUMENTS = {
    "genome": ("hg38", "hg19", "mm10", "mm9", "rn6", "dm6", "dm3", "ce11", "ce10", "sacCer3"),
    "method": ("dmr", "diffbind"),
    "threshold": ("50", "100", "200", "500", "bs", "999"),
}


def check_arguments(form: dict[str, str]) -> DAInputs | None:
    """Run DA's ``validate_arguments`` (DA:59-84) on a submitted form; None if it passes.

    A value outside the lists of DA:90-94 ends the job through ``handle_error`` (DA:77): the
    ``[ERROR] Invalid <name>: "<value>". Must be one of: [...]`` line and the result page, no
    ZIP. WABI queues the job first: it only checks that ``threshold`` is an int >= 0
    (oogasawa/wabi_chipatlas-java ChipatlasRequest.java:96-99).
    """
    # WABI writes the bound int into the job script (ChipatlasController.java:503)
    given = {"genome": form.get("genome", ""), "method": form.get("antigenClass", ""),
             "threshold": str(int(form.get("threshold", "50")))}  # fmt: skip
    for name, valid in VALID_ARGUMENTS.items():
        if given[name] not in valid:
            message = f'Invalid {name}: "{given[name]}". Must be one of: [{", ".join(valid)}]'
            return DAInputs(error=message, before_start=True)
    return None


def _first_fields(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if line.split()]


def map_inputs(
    form: dict[str, str],
    gsm_map: dict[str, str],
    wrong_organism_ids: tuple[str, ...] = (),
    wrong_assay_ids: tuple[str, ...] = (),
) -> DAInputs:
    """Run DA's ``map_gsm_to_srx`` and ``validate_input_srx_list`` on a submitted form.

    Parameters
    ----------
    form : dict
        The submitted form (``bedAFile``, ``bedBFile``, ``genome``, ``antigenClass``,
        ``descriptionA``, ``descriptionB``).
    gsm_map : dict
        GSM -> SRX as the server's ``experimentList.tab`` has it for this genome; a GSM missing
        here is dropped with a warning (DA:293, DA:303-310).
    wrong_organism_ids, wrong_assay_ids : tuple of str
        Experiments that ``experimentList.tab`` lists for another species, or for the other
        kind of assay (Bisulfite-Seq vs the rest).
    """
    out = DAInputs()
    genome, method = form.get("genome", ""), form.get("antigenClass", "")
    fields_a, fields_b = _first_fields(form["bedAFile"]), _first_fields(form["bedBFile"])
    for first in fields_a + fields_b:  # DA:268-271, both files, A first
        if not _NO_WARNING_RE.match(first):
            out.warnings.append(f'"{first}" is not a valid SRX or GSM ID and has been ignored.')
    for grp, fields, srx in (("A", fields_a, out.srx_a), ("B", fields_b, out.srx_b)):
        # DA:225-233 (prepare_url_list, run before the mapping below): user-data lines
        # (first field ``http...``) become URL_<group><k>, written to srx_a/srx_b first
        n_url = sum(1 for first in fields if first.startswith("http"))
        srx.extend(f"URL_{grp}{k}" for k in range(1, n_url + 1))
    for fields, srx in ((fields_a, out.srx_a), (fields_b, out.srx_b)):  # DA:301-314
        for first in fields:
            if not ID_RE.match(first):
                continue
            if not first.startswith("GSM"):
                srx.append(first)
            elif first in gsm_map:
                srx.append(gsm_map[first])
            else:
                out.warnings.append(f'"{first}" unmapped for {genome} and has been ignored.')
    n_a, n_b = len(out.srx_a), len(out.srx_b)
    if n_a * n_b == 0:  # DA:326-330 (handle_error: the html marker is written)
        out.error = "At least one ID should be assigned for each group."
        return out
    if n_a == 1 or n_b == 1:  # DA:331-332
        out.warnings.append(
            "Performing Diff Analysis without replicate is not recommended (Num of IDs: "
            f'"{form.get("descriptionA", "")}", {n_a}; "{form.get("descriptionB", "")}", {n_b}).'
        )
    for srx in out.srx_a + out.srx_b:  # DA:338-359 (experimentList rows of these IDs)
        if srx.startswith("URL_"):  # user data: no experimentList row (DA:335, DA:362-364)
            continue
        if srx in wrong_organism_ids:  # DA:347-349
            out.error = f'"{srx}" does not correspond to an experiment for {genome}.'
        elif srx in wrong_assay_ids:  # DA:351-353
            out.error = f'"{srx}" does not correspond to an experiment for {EXP_TYPE[method]}.'
        if out.error:
            out.silent_exit = True  # DA:359 `|| exit 1`: handle_error is skipped
            return out
    return out


def _locale_key(name: str) -> str:
    """Approximate glibc ``en_US.UTF-8`` collation of file names.

    Punctuation is ignored at the first level and digits sort before letters (``SRX10.count``
    before ``SRX1.count``).
    """
    return re.sub(r"[^0-9A-Za-z]", "", name).lower()


def count_columns(
    srx_a: list[str], srx_b: list[str], collation: str = "C"
) -> list[tuple[str, str]]:
    """Return the count table's columns as ``(SRX, group)`` in the server's order.

    ``combine_counts`` reads ``"${TMPDIR}"/*.count`` (DA:537): one file per experiment, in the
    shell's glob order, which follows the locale's collation of ``<SRX>.count`` (``C``: byte
    order; ``en_US``: see :func:`_locale_key`). A column's group is ``A`` if the SRX is in the
    A list, else ``B`` (edgeR.r:19-21). edgeR.r:35 prints one ``[INFO] <samples>`` line per
    column in this order, and edgeR.r:64 keeps it within each group for the count columns.
    """
    if collation not in ("C", "en_US"):
        raise ValueError(f"unknown collation {collation!r} (C or en_US)")
    key = (lambda s: s + ".count") if collation == "C" else (lambda s: _locale_key(s + ".count"))
    names = sorted(set(srx_a) | set(srx_b), key=key)
    return [(s, "A" if s in srx_a else "B") for s in names]


def sort_ids(ids: list[str], collation: str = "C") -> list[str]:
    """``sort`` of an ID list under ``collation`` (DA:674-675 and DA:722: IGV BED and session)."""
    key = (lambda s: s) if collation == "C" else _locale_key
    return sorted(ids, key=key)


def samples_lines(columns: list[tuple[str, str]]) -> list[str]:
    """Return edgeR.r's ``[INFO] <samples> <ID> <group>`` lines (edgeR.r:27-38).

    ``cat`` separates its arguments with a space, so each line ends with one before the newline.
    """
    return [f"[INFO] <samples> {srx} {grp} " for srx, grp in columns]
