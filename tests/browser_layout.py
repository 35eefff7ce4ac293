"""Check the charts of an HTML report as a browser lays them out (headless Chromium).

A script injected into a copy of the page measures every text and legend symbol of every inline
``<svg>`` (``getBoundingClientRect``, i.e. with the browser's own fonts) and lists:

* ``legend``: a legend label overlapping another entry's label or symbol;
* ``axis``: two tick labels of one axis overlapping;
* ``marks``: two text marks (e.g. gene labels) overlapping;
* ``clipped``: a text running outside its ``<svg>`` (cut off when shown);
* ``truncated``: a label Vega shortened with an ellipsis.

The result is written into the DOM and read back with ``--dump-dom``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

SCRIPT = r"""
<script>
(function () {
  const out = [];
  const box = (e) => e.getBoundingClientRect();
  const hit = (a, b, pad) => a.width > 0 && b.width > 0 && a.left < b.right - pad &&
      b.left < a.right - pad && a.top < b.bottom - pad && b.top < a.bottom - pad;
  const txt = (e) => (e.textContent || "").trim();
  const shown = (e) => e.getAttribute("opacity") !== "0" && getComputedStyle(e).opacity !== "0";
  const texts = (root, sel) => [...root.querySelectorAll(sel)].filter(shown);
  document.querySelectorAll("svg").forEach((svg, k) => {
    const name = (svg.closest("figure") && svg.closest("figure").id) || ("svg" + k);
    const s = box(svg);
    texts(svg, "text").forEach((t) => {
      const r = box(t);
      if (r.width > 0 && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 ||
          r.bottom > s.bottom + 1)) out.push(["clipped", name, txt(t)]);
      if (/\u2026$/.test(txt(t))) out.push(["truncated", name, txt(t)]);
    });
    svg.querySelectorAll("g.role-legend").forEach((leg) => {
      const items = texts(leg, "g.role-legend-label text").map((t, i) => ({
        i, t: txt(t), r: box(t)}));
      const syms = [...leg.querySelectorAll("g.role-legend-symbol path")].map((p, i) => ({
        i, r: box(p)}));
      for (const a of items) {
        for (const b of items) if (a.i < b.i && hit(a.r, b.r, 0.5))
          out.push(["legend", name, a.t + " / " + b.t]);
        for (const b of syms) if (a.i !== b.i && hit(a.r, b.r, 0.5))
          out.push(["legend", name, a.t + " / symbol " + b.i]);
      }
    });
    svg.querySelectorAll("g.role-axis").forEach((ax) => {
      const labels = texts(ax, "g.role-axis-label text").map((t) => ({
        t: txt(t), r: box(t)}));
      for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++)
        if (hit(labels[i].r, labels[j].r, 0.5))
          out.push(["axis", name, labels[i].t + " / " + labels[j].t]);
    });
    const marks = texts(svg, "g.role-mark text").map((t) => ({
      t: txt(t), r: box(t)}));
    for (let i = 0; i < marks.length; i++) for (let j = i + 1; j < marks.length; j++)
      if (hit(marks[i].r, marks[j].r, 0.5))
        out.push(["marks", name, marks[i].t + " / " + marks[j].t]);
  });
  const pre = document.createElement("pre");
  pre.id = "layout-problems";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def chromium(*args: str, width: int = 1400, height: int = 900, timeout: float = 120) -> str:
    """Run headless Chromium with offline-safe flags; return its stdout."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", f"--window-size={width},{height}",
        "--virtual-time-budget=15000", "--hide-scrollbars", *args,
    ]  # fmt: skip
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out.stdout


def layout_problems(html: Path, *, width: int = 1400) -> list[list[str]]:
    """Return ``[kind, figure, what]`` for every layout problem of the page's charts."""
    page = html.read_text()
    probe = html.with_name(f".{html.stem}.layout-{os.getpid()}-{time.time_ns()}.html")
    probe.write_text(page.replace("</body>", SCRIPT + "</body>"))
    try:
        dom = chromium("--dump-dom", probe.as_uri(), width=width)
    finally:
        probe.unlink(missing_ok=True)
    match = re.search(r'<pre id="layout-problems">(.*?)</pre>', dom, flags=re.S)
    assert match, "the layout probe did not run"
    import html as htmllib

    return json.loads(htmllib.unescape(match.group(1)))


def screenshot(html: Path, png: Path, *, width: int = 1400, height: int = 900) -> Path:
    """Screenshot ``html`` (a whole page: ``height`` should cover it) to ``png``."""
    png.unlink(missing_ok=True)
    chromium(f"--screenshot={png}", html.as_uri(), width=width, height=height)
    return png
