"""The files and scaling of each experiment of a local comparison, as DA chooses them.

Public IDs (``SRX``/``ERX``/``DRX``) read ChIP-Atlas's own files from a cache folder laid out
like the server's library (``DA:191-193``, ``DA:389-393``)::

    <cache>/<genome>/BigWig/<ID>.bw
    <cache>/<genome>/Bed<NN>/Bed/<ID>.<NN>.bed     (NN = threshold / 10, two digits: DA:167;
                                                   .bed.gz accepted too)
    <cache>/<genome>/metadata.tsv                  (header: experiment_id, reads, mapped_pct,
                                                   duplicates_pct, layout, read_length)

``metadata.tsv`` holds what DA reads from ``experimentList.tab`` column 8 (reads, mapping rate %,
duplicate rate %), ``SRA_Metadata_RunInfo.tab`` (layout: 1 single, 2 paired) and
``SRX_reads_bases.tab`` (read length = bases / reads / layout), ``DA:414-441``. The scale factor
that turned the server's coverage into RPM is ``1e6 / (reads x mapped x (1 - duplicates) x
layout)`` (``DA:438``); DA writes it and the read length with awk's default ``%.6g``
(``DA:439``), and so do we. User-data lines use scale factor 1 and their own read length
(``DA:443-447``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from chromdiff.design.userdata import UserData
from chromdiff.errors import InputError

META_COLUMNS = ("experiment_id", "reads", "mapped_pct", "duplicates_pct", "layout", "read_length")


@dataclass(frozen=True)
class Sample:
    """One experiment of a local comparison."""

    name: str  # SRX... or URL_A1...
    grp: str  # A | B
    bigwig: str  # location: path, file:// or http(s) URL
    peaks: str
    scale_factor: float  # coverage / scale_factor = raw base coverage (1 for user data)
    read_length: float
    user: bool
    #: (cached file, URL) of each file downloaded for it (errors name the URL, see
    #: :func:`chromdiff.local.run.name_download`)
    downloaded: tuple[tuple[str, str], ...] = ()


def awk_number(x: float) -> float:
    """Return ``x`` as awk's ``print`` writes it and reads it back (integers exact, else %.6g)."""
    return float(x) if float(x).is_integer() else float(f"{x:.6g}")


def threshold_code(threshold: int) -> str:
    """Return DA's two-digit peak-folder code (``printf "%02d" $((THRESHOLD / 10))``, DA:167)."""
    return f"{threshold // 10:02d}"


def cache_paths(
    cache_dir: Path, genome: str, experiment_id: str, threshold: int
) -> tuple[Path, Path]:
    """Return (bigWig, peak BED) of a public experiment in the cache (the BED may be .gz)."""
    nn = threshold_code(threshold)
    bw = cache_dir / genome / "BigWig" / f"{experiment_id}.bw"
    bed = cache_dir / genome / f"Bed{nn}" / "Bed" / f"{experiment_id}.{nn}.bed"
    if not bed.exists() and bed.with_name(bed.name + ".gz").exists():
        bed = bed.with_name(bed.name + ".gz")
    return bw, bed


def read_metadata(cache_dir: Path, genome: str) -> dict[str, dict[str, str]]:
    """Read ``<cache>/<genome>/metadata.tsv`` (empty when absent)."""
    path = cache_dir / genome / "metadata.tsv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    missing = [c for c in META_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise InputError(f"{path}:1: missing columns {', '.join(missing)}")
    return {r["experiment_id"]: r for r in rows}


def scale_from_metadata(row: dict[str, str], where: str) -> tuple[float, float]:
    """Return DA's (scale factor, read length) of one public experiment (``DA:429-441``)."""
    try:
        reads = float(row["reads"])
        mapping_rate = float(row["mapped_pct"]) / 100
        non_dup_rate = 1 - float(row["duplicates_pct"]) / 100
        layout = float(row["layout"])
        read_length = float(row["read_length"])
    except (TypeError, ValueError):
        raise InputError(
            f"{where}: reads/mapped_pct/duplicates_pct/layout/read_length must be numbers"
        ) from None
    denom = reads * mapping_rate * non_dup_rate * layout
    if denom <= 0 or read_length <= 0 or layout not in (1, 2):
        raise InputError(
            f"{where}: reads, mapping and non-duplicate rates and read length must be "
            "positive, layout 1 or 2"
        )
    return awk_number(1_000_000 / denom), awk_number(read_length)


def public_sample(experiment_id: str, grp: str, cache_dir: Path, genome: str, threshold: int,
                  meta: dict[str, dict[str, str]]) -> Sample:  # fmt: skip
    """Return the cached files and DA scaling of a public experiment.

    Raises
    ------
    InputError
        GSM IDs (the GSM to SRX map is ChIP-Atlas's, not in the cache), a bigWig, peak file or
        metadata row missing from the cache (the message names the expected path).
    """
    if experiment_id.startswith("GSM"):
        raise InputError(f"{experiment_id}: --local needs the SRX/ERX/DRX ID of a GSM sample")
    bw, bed = cache_paths(cache_dir, genome, experiment_id, threshold)
    for path, what in ((bw, "bigWig"), (bed, "peak BED")):
        if not path.is_file():
            raise InputError(f"{path}: {what} of {experiment_id} not in the local cache")
    meta_path = cache_dir / genome / "metadata.tsv"
    if experiment_id not in meta:
        raise InputError(
            f"{meta_path}: no row for {experiment_id} "
            "(reads, mapped_pct, duplicates_pct, layout, read_length)"
        )
    sf, rl = scale_from_metadata(meta[experiment_id], f"{meta_path}: {experiment_id}")
    return Sample(experiment_id, grp, str(bw), str(bed), sf, rl, False)


def user_sample(name: str, grp: str, data: UserData) -> Sample:
    """Return a user-data experiment: scale factor 1, its own read length (``DA:443-447``)."""
    return Sample(name, grp, data.bigwig, data.peaks, 1.0, float(data.read_length), True)
