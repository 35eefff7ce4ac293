"""Parsers of ChIP-Atlas Diff Analysis result files (main BED in three formats)."""

from chromdiff.parsing.result import (
    DIFFBIND_2024,
    DIFFBIND_2025,
    DMR,
    ParsedResult,
    count_order,
    parse_result,
)

__all__ = ["DIFFBIND_2024", "DIFFBIND_2025", "DMR", "ParsedResult", "count_order", "parse_result"]
