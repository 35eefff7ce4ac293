"""ChIP-Atlas's diffbind pipeline (2025 DA script) run on this machine: ``compare --local``.

Modules, in pipeline order (docs/pipeline.md walks through them with the DA source lines):
:mod:`~chromdiff.local.samples` (which bigWig, peak BED, scale factor and read length each
experiment uses), :mod:`~chromdiff.local.fetch` (URL downloads, cached once),
:mod:`~chromdiff.local.peaks` (reading peak files, ``bedtools multiinter`` in DuckDB),
:mod:`~chromdiff.local.coverage` (bigWig coverage to read counts), :mod:`chromdiff.edger`
(the statistics) and :mod:`~chromdiff.local.bedout` (the 2025 diffbind BED).
"""

from chromdiff.local.version import DA_SOURCE, PIPELINE_VERSION

__all__ = ["DA_SOURCE", "PIPELINE_VERSION"]
