"""chromdiff benchmarks: ``uv run python -m bench`` runs them all and updates ``BENCHMARKS.md``."""
