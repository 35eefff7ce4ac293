"""What a local comparison's result depends on beyond its ID lines: the files, the engine.

A local comparison's ID lines name files (``peaks.bed bigwig.bw``); the comparison's input hash
covers those lines only, so editing a file in place, or asking for ``--engine r`` after a
``numpy`` run, would reuse the stored result. :func:`local_input_hash` adds each local file's
size and modification time (not its bytes: bigWigs run to gigabytes), the public samples'
cached metadata, the engine and the pipeline version; the compare-local flow stores it as the
comparison's ``input_hash``, so any change recomputes the result under the same comparison ID.
A URL counts by its text: its download is cached (``--force`` downloads it again).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from chromdiff.design.comparison import ComparisonSpec
from chromdiff.errors import InputError
from chromdiff.local.fetch import is_url, local_path
from chromdiff.local.version import PIPELINE_VERSION


def _stamp(location: str) -> list:
    if is_url(location):
        return [location]
    path = local_path(location)
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path.resolve()), st.st_size, st.st_mtime_ns]


def local_input_hash(spec: ComparisonSpec, cache_dir: str | Path, engine: str) -> str:
    """Return the sha256 of ``spec``'s input hash, its files' stamps, the engine and version."""
    from chromdiff.local.run import resolve_samples

    try:
        samples = resolve_samples(spec, Path(cache_dir))
    except InputError as exc:  # the run itself reports it; nothing to compare against
        files: list = [f"unresolved: {exc}"]
    else:
        files = [[s.name, _stamp(s.peaks), _stamp(s.bigwig)] for s in samples]
    meta = Path(cache_dir) / spec.genome / "metadata.tsv"
    payload = {
        "spec": spec.input_hash(),
        "files": files,
        "metadata": _stamp(str(meta)),
        "engine": engine,
        "pipeline": PIPELINE_VERSION,
    }
    canon = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode()).hexdigest()
