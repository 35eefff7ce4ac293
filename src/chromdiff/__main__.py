"""``python -m chromdiff``: the same as the ``chromdiff`` command."""

from chromdiff.cli.main import main

main()
