"""Safe extraction of the result ZIP, and finding its files by suffix.

The archive comes from the network, so nothing in it is trusted: member paths may not leave the
output folder (zip-slip), links are refused, the member count and the total uncompressed size are
bounded (checked against the headers first, then against the bytes actually inflated, so a lying
header cannot smuggle a zip bomb), and a corrupt or truncated file is a clear error. Extraction
goes to a temporary folder that is renamed into place only when everything succeeded.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from chromdiff.errors import ResultArchiveError

_CHUNK = 1 << 20
#: Suffix rules (chipatlas_api.md §3): both ``wabi_result.xml`` and ``.igv.xml`` are the session.
_KINDS = (
    ("igv_bed", lambda n: n.endswith(".igv.bed")),
    ("bed", lambda n: n.endswith(".bed")),
    ("igv_xml", lambda n: n.endswith(".xml")),
    ("log", lambda n: n.endswith(".log")),
    ("readme", lambda n: n.lower().endswith("readme.md")),
)


@dataclass(frozen=True)
class ResultFiles:
    """Extracted files by kind (None when absent) and every extracted member."""

    bed: Path | None
    igv_bed: Path | None
    igv_xml: Path | None
    log: Path | None
    readme: Path | None
    members: tuple[Path, ...]


def _safe_member_path(name: str) -> PurePosixPath:
    """Return the member's relative path, or raise if it could escape the output folder."""
    normalised = name.replace("\\", "/")
    path = PurePosixPath(normalised)
    if (
        normalised.startswith("/")
        or (len(normalised) > 1 and normalised[1] == ":")
        or any(part == ".." for part in path.parts)
    ):
        raise ResultArchiveError(f"result archive member {name!r} escapes the output folder")
    return path


def _check_members(
    infos: list[zipfile.ZipInfo], max_bytes: int, max_members: int
) -> list[zipfile.ZipInfo]:
    files = [i for i in infos if not i.is_dir()]
    if len(infos) > max_members:
        raise ResultArchiveError(f"result archive has {len(infos)} members (limit {max_members})")
    declared = sum(i.file_size for i in files)
    if declared > max_bytes:
        raise ResultArchiveError(
            f"result archive would inflate to {declared} bytes (limit {max_bytes})"
        )
    for info in infos:
        _safe_member_path(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ResultArchiveError(f"result archive member {info.filename!r} is a link")
    return files


def _classify(paths: list[Path]) -> dict[str, Path | None]:
    found: dict[str, Path | None] = {kind: None for kind, _ in _KINDS}
    for path in paths:
        name = path.name
        for kind, matches in _KINDS:
            if matches(name):
                if found[kind] is not None:
                    raise ResultArchiveError(
                        f"result archive holds two {kind} files: {found[kind].name}, {name}"
                    )
                found[kind] = path
                break
    return found


def extract_result_zip(
    zip_path: str | Path,
    out_dir: str | Path,
    *,
    max_bytes: int = 4 * 1024**3,
    max_members: int = 64,
) -> ResultFiles:
    """Extract ``zip_path`` into ``out_dir`` safely and find the result files by suffix.

    Parameters
    ----------
    zip_path : path
        The downloaded archive.
    out_dir : path
        Destination; replaced as a whole only after a complete, valid extraction.
    max_bytes : int
        Bound on the total uncompressed size.
    max_members : int
        Bound on the number of members.

    Raises
    ------
    ResultArchiveError
        Corrupt or truncated archive, unsafe member, too many members or bytes, or two files of
        the same kind.
    """
    out_dir = Path(out_dir)
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with zipfile.ZipFile(zip_path) as zf:
            files = _check_members(zf.infolist(), max_bytes, max_members)
            extracted = _extract(zf, files, staging, max_bytes)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ResultArchiveError(
            f"result archive {Path(zip_path).name} is corrupt or truncated ({exc})"
        ) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        staged_kinds = _classify(extracted)
    except ResultArchiveError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.replace(out_dir)

    def moved(path: Path | None) -> Path | None:
        return None if path is None else out_dir / path.relative_to(staging)

    kinds = {kind: moved(path) for kind, path in staged_kinds.items()}
    return ResultFiles(members=tuple(out_dir / p.relative_to(staging) for p in extracted), **kinds)


def _extract(
    zf: zipfile.ZipFile, files: list[zipfile.ZipInfo], staging: Path, max_bytes: int
) -> list[Path]:
    staging.mkdir(parents=True)
    root = staging.resolve()
    total = 0
    out: list[Path] = []
    for info in files:
        target = (staging / _safe_member_path(info.filename)).resolve()
        if root not in target.parents:
            raise ResultArchiveError(f"result archive member {info.filename!r} escapes the folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise ResultArchiveError(
                        f"result archive inflates beyond {max_bytes} bytes (zip bomb?)"
                    )
                dst.write(chunk)
        out.append(staging / _safe_member_path(info.filename))
    return out
