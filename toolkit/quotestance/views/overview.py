"""The corpus overview page: what ``quotestance stats`` computes (``stats.compute``), as charts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..labels import QUOTE_TYPES, STANCE_LABELS
from .html import PALETTE, STANCE_COLORS, TYPE_COLORS, bar_chart, cards, esc, fmt_num, page

CSS = """
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 8px 24px; }
.met { color: #2e7d32; font-weight: 600; } .miss { color: #c62828; font-weight: 600; }
"""

SPLITS = ("all", "train", "validation", "test")


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def quota_table(quotas: list[Mapping[str, Any]]) -> str:
    rows = []
    for q in quotas:
        share = isinstance(q["goal"], float) and q["goal"] < 1
        val = _pct(q["value"]) if share else esc(q["value"])
        goal = _pct(q["goal"]) if share else esc(q["goal"])
        frac = min(1.0, q["value"] / q["goal"]) if q["goal"] else 1.0
        bar = (f'<svg width="120" height="12" role="img"><title>{frac:.0%} of the goal</title>'
               f'<rect width="120" height="12" fill="#eee"/><rect width="{120 * frac:.1f}" '
               f'height="12" fill="{"#2e7d32" if q["met"] else "#c62828"}"/></svg>')
        mark = '<span class="met">met</span>' if q["met"] else '<span class="miss">missed</span>'
        rows.append(f"<tr><td>{esc(q['what'])}</td><td class=\"num\">{val}</td>"
                    f"<td class=\"num\">{goal}</td><td>{bar}</td><td>{mark}</td></tr>")
    return ('<table class="quotas"><tr><th>quota</th><th class="num">value</th>'
            '<th class="num">goal</th><th>progress</th><th></th></tr>' + "".join(rows) +
            "</table>")


def split_table(stats: Mapping[str, Any]) -> str:
    order = [s for s in SPLITS if s in stats]
    keys = ["articles", "articles_real", "articles_constructed", "quotes", "stance_pairs",
            "words_min", "words_mean", "words_max", "outlets", "genres"]
    head = "".join(f'<th class="num">{esc(s)}</th>' for s in order)
    rows = [f"<tr><td>{esc(k)}</td>" + "".join(
        f'<td class="num">{fmt_num(stats[s].get(k), 1)}</td>' for s in order) + "</tr>"
        for k in keys]
    shares = [k for k in stats["all"] if k.startswith("share_")]
    rows += [f"<tr><td>{esc(k)}</td>" + "".join(
        f'<td class="num">{_pct(stats[s].get(k, 0))}</td>' for s in order) + "</tr>"
        for k in shares]
    return f'<table class="splits"><tr><th>statistic</th>{head}</tr>{"".join(rows)}</table>'


def render_overview(stats: Mapping[str, Any], title: str = "QuoteStance corpus overview",
                    version: str | None = None) -> str:
    """The overview page of a ``stats.compute`` result."""
    a = stats["all"]
    charts = [
        bar_chart([(t, a["by_type"].get(t, 0)) for t in QUOTE_TYPES], "Quotes by type",
                  colors=[TYPE_COLORS[t] for t in QUOTE_TYPES]),
        bar_chart([(lab, a["by_label"].get(lab, 0)) for lab in STANCE_LABELS],
                  "Stance pairs by label", colors=[STANCE_COLORS[x] for x in STANCE_LABELS]),
        bar_chart(sorted(a["by_category"].items(), key=lambda kv: (-kv[1], kv[0])),
                  "Stance pairs by target category (dashed: 60)", goal=60, colors=PALETTE[:1]),
        bar_chart(list(a["by_genre"].items()), "Articles by genre", colors=PALETTE[1:2]),
        bar_chart(list(a["by_outlet"].items())[:25], "Articles by outlet (top 25)",
                  colors=PALETTE[2:3]),
        bar_chart(sorted(a["by_mention_kind"].items()), "Speaker mention kind",
                  colors=PALETTE[4:5]),
        bar_chart(sorted(a["by_attribution_side"].items()), "Attribution side",
                  colors=PALETTE[5:6]),
    ]
    per_split = [(s, stats[s]["quotes"]) for s in SPLITS[1:] if s in stats]
    if per_split:
        charts.append(bar_chart(per_split, "Quotes per split", colors=PALETTE[9:10]))
    ver = f" · corpus version {esc(version)}" if version else ""
    body = [f'<h1 id="title">{esc(title)}</h1>',
            f'<p class="muted">Computed by <code>quotestance stats</code>{ver}.</p>',
            cards([("articles", a["articles"]), ("quotes", a["quotes"]),
                   ("stance pairs", a["stance_pairs"]), ("outlets", a["outlets"]),
                   ("genres", a["genres"]), ("mean words", a["words_mean"])]),
            '<h2>Distributions</h2><div class="grid" id="charts">',
            *[f"<div>{c}</div>" for c in charts], "</div>",
            "<h2>Quotas (whole corpus)</h2>", quota_table(a.get("quotas") or []),
            "<h2>Per split</h2>", split_table(stats)]
    return page(title, "\n".join(body), CSS)
