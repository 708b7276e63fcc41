"""The corpus overview page: what `quotestance stats` computes, as charts."""

from __future__ import annotations

import json
from html import escape

from quotestance.stats import compute
from quotestance.views import render_overview

from .conftest import FIXTURES
from .test_views_article import assert_inert

FX = FIXTURES / "interchange"


def _articles() -> list[dict]:
    return [json.loads(x) for f in ("articles.jsonl", "seed.jsonl")
            for x in (FX / f).read_text("utf-8").splitlines()]


def test_overview_charts_every_distribution_and_quota():
    stats = compute(_articles())
    html = render_overview(stats)
    assert_inert(html)
    for title in ("Quotes by type", "Stance pairs by label", "by target category",
                  "Articles by genre", "Speaker mention kind", "Attribution side"):
        assert title in html
    assert html.count("<tr><td>") >= len(stats["all"]["quotas"])
    for q in stats["all"]["quotas"]:
        assert escape(q["what"]) in html
    # bar values come from the statistics
    for t, n in stats["all"]["by_type"].items():
        assert f"<title>{t}: {n}</title>" in html


def test_overview_shows_splits_when_present():
    arts = _articles()
    for a, s in zip(arts, ("train", "validation", "test")):
        a["split"] = s
    html = render_overview(compute(arts))
    assert "Quotes per split" in html and '<th class="num">validation</th>' in html


def test_cli_overview(tmp_path, run_cli):
    out = tmp_path / "o.html"
    r = run_cli("overview", FX / "articles.jsonl", FX / "seed.jsonl", "-o", out)
    assert r.exit_code == 0, r.output
    assert "QuoteStance corpus overview" in out.read_text("utf-8")
    r = run_cli("overview", tmp_path / "missing.jsonl")
    assert r.exit_code == 1
