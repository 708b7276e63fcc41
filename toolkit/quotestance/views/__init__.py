"""HTML views: single self-contained pages (inline CSS and SVG, no script, no network).

``render_article`` / ``render_comparison`` (``quotestance show``), ``render_report``
(``quotestance report``) and ``render_overview`` (``quotestance overview``) each return the
page as a string; every value taken from data is HTML-escaped.
"""

from __future__ import annotations

from .article import pair_quotes, render_article, render_comparison
from .overview import render_overview
from .report import find_entries, render_entries, render_report

__all__ = ["pair_quotes", "render_article", "render_comparison", "render_overview",
           "render_report", "render_entries", "find_entries"]
