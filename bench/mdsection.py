"""Replace one marked section of ``BENCHMARKS.md`` without touching the others."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def replace_section(name: str, body: str, path: Path | None = None) -> Path:
    """Write ``body`` between ``<!-- name:begin -->`` and ``<!-- name:end -->`` (append if absent).

    Other sections (e.g. the annotation engineer's ``annotation`` section) are left as they are.
    """
    path = path or ROOT / "BENCHMARKS.md"
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
    return path
