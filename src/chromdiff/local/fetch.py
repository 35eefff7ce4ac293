"""Materialise a user-data location (http(s) URL, ``file://`` URL or path) as a local file.

DA downloads user files with ``wget`` into its temporary folder (``DA:236-246``). Here a URL
is downloaded once into ``<cache>/downloads/<sha256 of the URL, 16 hex>-<file name>`` (written
to a temporary name and renamed, so an interrupted download never looks complete) and reused
on later runs; ``refresh`` (``--force``) downloads it again, replacing the copy only once the
new one is complete. Transient HTTP failures (429, 5xx, timeouts) raise errors the Prefect task
retries; a 404 does not.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from chromdiff.errors import InputError

CHUNK = 1 << 20


def is_url(location: str) -> bool:
    """Return True for http(s) locations (downloaded), False for paths and ``file://``."""
    return location.startswith(("http://", "https://"))


def local_path(location: str) -> Path:
    """Return the path of a ``file://`` URL or a plain path (``~`` expanded)."""
    if location.startswith("file://"):
        return Path(unquote(urlparse(location).path))
    return Path(location).expanduser()


def cached_path(url: str, cache_dir: Path) -> Path:
    """Return where :func:`download` keeps ``url`` under ``cache_dir``."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    name = Path(unquote(urlparse(url).path)).name or "download"
    return cache_dir / "downloads" / f"{digest}-{name}"


def download(url: str, cache_dir: Path, timeout: float = 60.0, refresh: bool = False) -> Path:
    """Download ``url`` into the cache unless it is there already; return the file.

    ``refresh`` downloads it even when a copy is cached (the copy is replaced once the new
    download is complete; a failed one leaves it as it was).

    Raises
    ------
    InputError
        The server answered 4xx (other than 429): the URL is wrong, retrying cannot help.
    chromdiff.chipatlas.retry.TransientHTTPError, requests.RequestException
        Transient failures (the task retries them).
    """
    import requests

    from chromdiff.chipatlas.retry import TransientHTTPError, is_transient_status

    dest = cached_path(url, cache_dir)
    if dest.exists() and not refresh:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + f".part{os.getpid()}")
    with requests.get(url, stream=True, timeout=timeout) as resp:
        if is_transient_status(resp.status_code):
            raise TransientHTTPError(resp.status_code, f"{url}: HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise InputError(f"{url}: HTTP {resp.status_code}, cannot download")
        with tmp.open("wb") as fh:
            for chunk in resp.iter_content(CHUNK):
                fh.write(chunk)
    tmp.replace(dest)
    return dest


def materialize(location: str, cache_dir: Path, refresh: bool = False) -> Path:
    """Return a readable local file for ``location`` (downloading URLs once).

    ``refresh`` downloads a URL again even when it is cached (``--force``).

    Raises
    ------
    InputError
        A local file that does not exist or is not a regular file.
    """
    if is_url(location):
        return download(location, cache_dir, refresh=refresh)
    path = local_path(location)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    return path
