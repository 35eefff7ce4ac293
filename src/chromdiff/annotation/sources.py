"""The public inputs of the embedded annotation build: manifest, checks, and a fetch helper.

``src/chromdiff/data/annotation/SOURCES.json`` names every input file of
:mod:`chromdiff.annotation.build` by its path inside the sources directory, with the public
source it comes from, its version and its sha256. The build refuses a directory whose files are
missing or differ from the manifest (one error line naming the file), so an embedded annotation is
always rebuilt from exactly the documented bytes.

Layout of a sources directory (the paths the Debian packages and the BETA repository use)::

    Rsubread/annot/{hg38,hg19,mm10}_RefSeq_exon.txt    Debian r-bioc-rsubread 2.12.2-1
    org.Hs.eg.db/extdata/org.Hs.eg.sqlite               Debian r-bioc-org.hs.eg.db 3.16.0-1
    BETA/references/{hg38,hg19,mm10}.refseq             github suwangbio/BETA (BETA_1.0.7)

:func:`fetch_sources` lays it out: ``apt-get download`` of the two Debian packages (extracted with
``dpkg-deb -x``) and the three BETA files from a local clone of suwangbio/BETA (``git show``) or
from GitHub at the pinned commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from chromdiff._env import REPO_ROOT
from chromdiff.errors import InputError

#: The manifest committed with the embedded builds.
MANIFEST = Path(__file__).resolve().parents[1] / "data" / "annotation" / "SOURCES.json"

#: Environment variable naming the sources directory (else :func:`default_source_dir`).
ENV_VAR = "CHROMDIFF_ANNOTATION_SOURCES"


def default_source_dir() -> Path:
    """Return ``$CHROMDIFF_ANNOTATION_SOURCES``, else ``.annotation-sources`` in the checkout."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return (REPO_ROOT or Path.cwd()) / ".annotation-sources"


def load_manifest(path: Path = MANIFEST) -> dict:
    """Return the manifest: ``{"files": {relpath: {source, version, sha256}}, ...}``."""
    return json.loads(Path(path).read_text())


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_sources(src: Path, manifest: dict) -> dict[str, Path]:
    """Check every manifest file under ``src``; return ``relpath -> path``.

    Raises
    ------
    InputError
        The directory or a file is missing, or a file's sha256 differs from the manifest.
    """
    src = Path(src)
    if not src.is_dir():
        raise InputError(
            f"{src}: annotation sources directory not found (lay it out with "
            "`python -m chromdiff.annotation.build --fetch`, or pass --sources DIR; "
            "see docs/annotation.md)"
        )
    paths = {}
    for rel, entry in sorted(manifest["files"].items()):
        path = src / rel
        if not path.is_file():
            raise InputError(f"{path}: missing input ({entry['source']} {entry['version']})")
        digest = sha256_of(path)
        if digest != entry["sha256"]:
            raise InputError(
                f"{path}: sha256 {digest} differs from the manifest's {entry['sha256']} "
                f"({entry['source']} {entry['version']}); refusing to build from it"
            )
        paths[rel] = path
    return paths


def fetch_sources(dest: Path, manifest: dict, beta_repo: Path | None = None) -> None:
    """Lay out the sources directory ``dest`` from the public packages named in the manifest.

    Debian packages come from ``apt-get download`` (needs a Debian/Ubuntu apt with bookworm's
    versions) and are unpacked with ``dpkg-deb -x``; the BETA tables from ``beta_repo`` (a git
    clone or bare mirror of suwangbio/BETA) by ``git show COMMIT:PATH``, else from GitHub at the
    pinned commit. Every file is then checked against the manifest.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for deb in manifest["debian_packages"]:
            subprocess.run(
                ["apt-get", "download", f"{deb['package']}={deb['version']}"], cwd=tmp, check=True
            )
        for deb in manifest["debian_packages"]:
            (deb_file,) = Path(tmp).glob(f"{deb['package']}_*.deb")
            if sha256_of(deb_file) != deb["sha256"]:
                raise InputError(f"{deb_file.name}: sha256 differs from the manifest's")
            subprocess.run(["dpkg-deb", "-x", str(deb_file), f"{tmp}/x"], check=True)
        for rel, entry in manifest["files"].items():
            if "deb_path" in entry:
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f"{tmp}/x/{entry['deb_path']}", target)
    beta = manifest["github"]
    for rel, entry in manifest["files"].items():
        if "repo_path" not in entry:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if beta_repo is not None:
            data = subprocess.run(
                ["git", "-C", str(beta_repo), "show", f"{beta['commit']}:{entry['repo_path']}"],
                check=True,
                capture_output=True,
            ).stdout
        else:
            url = (
                f"https://raw.githubusercontent.com/{beta['repo']}/{beta['commit']}/"
                f"{entry['repo_path']}"
            )
            with urllib.request.urlopen(url, timeout=120) as resp:
                data = resp.read()
        target.write_bytes(data)
    verify_sources(dest, manifest)
