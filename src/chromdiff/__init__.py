"""chromdiff: differential chromatin between two groups of public experiments, in DuckDB."""

from chromdiff._env import configure_environment

__version__ = "0.1.0"

configure_environment()
