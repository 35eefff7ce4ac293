"""Regenerate the local-pipeline fixtures in this folder (simulated; see tests/data/README.md).

Run from the repository root: ``.venv/bin/python tests/data/local/make_fixtures.py``. The
output is deterministic for the pinned seed: 3 user-data experiments (group A: raw integer
coverage bigWigs written with pyBigWig, one gzipped narrowPeak and two BED peak files) and 3
"public" experiments in a ChIP-Atlas-style cache (RPM bigWigs, Bed05 peak files, metadata.tsv),
plus the ID files ``mine.txt`` and ``public.txt``.
"""

from pathlib import Path

from chromdiff.local.simulate import simulate_local_inputs

if __name__ == "__main__":
    here = Path(__file__).resolve().parent / "sim"
    paths = simulate_local_inputs(here, seed=16)
    for name, path in paths.items():
        print(
            f"{name}: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
        )
