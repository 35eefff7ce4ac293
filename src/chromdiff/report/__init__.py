"""Per-comparison outputs rendered from named SQL views: exports, charts, Markdown and HTML report.

The entry point is :func:`chromdiff.report.render.render_comparison`.
"""
