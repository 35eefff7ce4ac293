"""Peak-to-gene annotation engine (ChIPseeker-like features, nearest gene, GREAT links).

See ``docs/annotation.md`` for the rules and the exact output columns.
"""

from chromdiff.annotation.annotate import OUTPUT_COLUMNS, annotate_regions
from chromdiff.annotation.comparison import annotate_comparison
from chromdiff.annotation.links import link_great, link_nearest, link_within_distance
from chromdiff.annotation.load import EMBEDDED, ensure_annotation

__all__ = [
    "EMBEDDED",
    "OUTPUT_COLUMNS",
    "annotate_comparison",
    "annotate_regions",
    "ensure_annotation",
    "link_great",
    "link_nearest",
    "link_within_distance",
]
