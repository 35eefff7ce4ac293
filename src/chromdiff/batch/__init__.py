"""Batch comparisons: batch files, fan-out over task runners and the batch summary."""
