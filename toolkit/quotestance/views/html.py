"""Building blocks of the HTML views: escaping, the page shell, inline SVG charts.

Every page is one self-contained file: inline CSS, inline SVG, no script, no external asset.
Its Content-Security-Policy forbids scripts and remote loads outright, so even a mistake in
escaping could not run code; but everything taken from data still goes through ``esc``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
      "form-action 'none'"

TYPE_COLORS = {"direct": "#1f77b4", "indirect": "#2ca02c", "mixed": "#9467bd"}
STANCE_COLORS = {"favor": "#2e7d32", "against": "#c62828", "neutral": "#616161"}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")

BASE_CSS = """
:root { --fg:#1b1b1b; --muted:#5f6368; --line:#dadce0; --bg:#fff; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1400px;
       padding: 16px 24px 48px; }
h1 { font-size: 1.5em; margin: .2em 0 .4em; } h2 { font-size: 1.2em; margin: 1.4em 0 .5em;
  border-bottom: 1px solid var(--line); padding-bottom: .2em; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border: 1px solid var(--line); padding: 3px 8px; vertical-align: top;
         text-align: left; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); } .small { font-size: .85em; }
code, .sig { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em;
             overflow-wrap: anywhere; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; margin: 1px 2px;
         font-size: .85em; color: #fff; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center;
          padding: 6px 10px; background: var(--soft); border: 1px solid var(--line);
          border-radius: 6px; margin: .5em 0 1em; }
.legend .key { display: inline-flex; align-items: center; gap: 5px; }
.chart { margin: .3em 0 1.2em; } .chart text { font-size: 12px; fill: var(--fg); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: .5em 0 1em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 120px;
        background: var(--soft); }
.card .v { font-size: 1.5em; font-weight: 600; } .card .k { color: var(--muted); font-size: .85em; }
footer { margin-top: 2em; color: var(--muted); font-size: .85em; }
"""


def esc(v: Any) -> str:
    """Text for HTML content or a quoted attribute value."""
    return html.escape("" if v is None else str(v), quote=True)


_ID = re.compile(r"[^A-Za-z0-9_-]")


def anchor(*parts: str) -> str:
    """An element id from data ids: only letters, digits, '_' and '-' survive (others as _hex)."""
    return "-".join(_ID.sub(lambda m: f"_{ord(m.group()):x}", p) for p in parts)


def safe_link(url: Any) -> str:
    """A link for http(s) URLs, plain text for anything else (``javascript:``, ``data:``...)."""
    if not isinstance(url, str) or not url:
        return '<span class="muted">none</span>'
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'
    return f"<span>{esc(url)}</span>"


def page(title: str, body: str, css: str = "", generator: str = "") -> str:
    from .. import __version__

    gen = esc(generator or f"quotestance {__version__}")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"{gen}\">\n"
        f"<title>{esc(title)}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n"
        f"{body}\n<footer>Made by {gen}. A single self-contained file: no script, no network."
        "</footer>\n</body>\n</html>\n")


def badge(text: str, color: str, title: str = "", cls: str = "") -> str:
    t = f' title="{esc(title)}"' if title else ""
    return f'<span class="badge {esc(cls)}" style="background:{color}"{t}>{esc(text)}</span>'


def swatch(color: str, style: str = "") -> str:
    return (f'<span style="display:inline-block;width:14px;height:14px;border-radius:3px;'
            f'background:{color};{style}"></span>')


def cards(items: Iterable[tuple[str, Any]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
        for k, v in items) + "</div>"


def fmt_num(v: Any, digits: int = 3) -> str:
    if isinstance(v, bool) or v is None:
        return esc(v)
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return esc(v)


def bar_chart(items: Sequence[tuple[str, float]], title: str = "", *, max_value: float | None = None,
              colors: Sequence[str] | None = None, value_fmt: str = "{:g}", width: int = 640,
              goal: float | None = None, css_class: str = "chart") -> str:
    """Horizontal bars, one per ``(label, value)``; an optional goal line."""
    if not items:
        return f'<p class="muted">{esc(title)}: no data</p>'
    label_w = min(260, 12 + 7 * max(len(str(k)) for k, _ in items))
    bar_h, gap, top = 20, 6, 22 if title else 4
    plot_w = width - label_w - 70
    vmax = max_value if max_value is not None else max([v for _, v in items] + [goal or 0])
    vmax = vmax or 1
    h = top + len(items) * (bar_h + gap) + 4
    out = [f'<svg class="{esc(css_class)}" role="img" width="{width}" height="{h}" '
           f'viewBox="0 0 {width} {h}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{esc(title)}</title>"]
    if title:
        out.append(f'<text x="0" y="14" font-weight="600">{esc(title)}</text>')
    for i, (k, v) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(0.0, plot_w * (v / vmax)) if vmax else 0
        color = (colors[i % len(colors)] if colors else PALETTE[0])
        label = str(k) if len(str(k)) <= 36 else str(k)[:35] + "…"
        out.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(label)}'
                   f"<title>{esc(k)}</title></text>")
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                   f'fill="{color}" rx="2"><title>{esc(k)}: {esc(value_fmt.format(v))}</title>'
                   "</rect>")
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{esc(value_fmt.format(v))}'
                   "</text>")
    if goal is not None:
        gx = label_w + plot_w * (goal / vmax)
        out.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 2}" y2="{h - 2}" '
                   'stroke="#000" stroke-dasharray="4 3"><title>goal</title></line>')
    out.append("</svg>")
    return "".join(out)


def _count(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.3f}"


def heatmap(labels_rows: Sequence[str], labels_cols: Sequence[str],
            matrix: Sequence[Sequence[float]], title: str = "",
            row_axis: str = "gold", col_axis: str = "predicted") -> str:
    """A table-shaped heat map (a confusion matrix): darker cells hold more."""
    vmax = max([v for row in matrix for v in row] + [1])
    head = "".join(f'<th class="num">{esc(c)}</th>' for c in labels_cols)
    rows = []
    for r, row in zip(labels_rows, matrix):
        cells = []
        for i, v in enumerate(row):
            a = 0.08 + 0.85 * (v / vmax) if vmax else 0
            fg = "#fff" if a > 0.5 else "#000"
            diag = " outline:2px solid #333;" if i < len(labels_cols) and \
                labels_cols[i] == r else ""
            cells.append(f'<td class="num" style="background:rgba(31,119,180,{a:.2f});'
                         f'color:{fg};{diag}">{_count(v)}</td>')
        rows.append(f"<tr><th>{esc(r)}</th>{''.join(cells)}</tr>")
    cap = f"<caption>{esc(title)}</caption>" if title else ""
    return (f'<table class="heatmap">{cap}<tr><th>{esc(row_axis)} \\ {esc(col_axis)}</th>'
            f"{head}</tr>{''.join(rows)}</table>")
