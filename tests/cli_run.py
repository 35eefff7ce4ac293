"""Run the ``chromdiff`` CLI in-process for tests: exit code, stdout, stderr."""

from __future__ import annotations

from chromdiff.cli.main import main


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Call ``main(args)``; return (exit code, captured stdout, captured stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err
