"""edgeR as ChIP-Atlas's diffbind step runs it: a numpy port and a real-edgeR (Rscript) engine."""

from chromdiff.edger.adjust import bh
from chromdiff.edger.diffbind import ENGINES, DiffbindStats, run_edger

__all__ = ["ENGINES", "DiffbindStats", "bh", "run_edger"]
