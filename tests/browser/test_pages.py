"""Every HTML view in a real headless Chromium: no script error, no dialog, no network
request, the expected elements visible; screenshots saved under test-artifacts/browser/.

Skipped (with the reason) when no Chromium binary is found; `apt-get install chromium`
provides one. Set QS_CHROMIUM to use another binary.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from quotestance.stats import compute
from quotestance.views import (
    find_entries, render_article, render_comparison, render_entries, render_overview)

from ..conftest import FIXTURES, ROOT
from .cdp import Browser, find_chromium

CHROMIUM = find_chromium()
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FX = FIXTURES / "interchange"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH "
                       "(apt-get install chromium; or set QS_CHROMIUM)"),
]

HOSTILE_STRINGS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                   "javascript:alert(6)", "<b onmouseover=alert(3)>bold</b>",
                   "'quoted' \"twice\"", "& Co")


@pytest.fixture(scope="module")
def browser():
    b = Browser(CHROMIUM)
    try:
        yield b
    finally:
        b.close()


def _articles(name: str) -> list[dict]:
    return [json.loads(x) for x in (FX / name).read_text("utf-8").splitlines()]


def _open(browser: Browser, html: str, name: str, tmp_path: Path):
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    log = browser.open(page)
    browser.screenshot(ARTIFACTS / f"{name}.png")
    assert log.problems == [], log.problems
    assert log.requests == [page.resolve().as_uri()], "the page loaded something else"
    assert browser.evaluate("document.scripts.length") == 0
    return log


def test_the_harness_catches_alerts_and_errors(browser, tmp_path):
    """A control: the checks below could fail."""
    bad = tmp_path / "bad.html"
    bad.write_text("<p>x</p><script>alert(1); null.x</script>", encoding="utf-8")
    log = browser.open(bad)
    assert log.dialogs and log.exceptions


def test_article_view(browser, tmp_path):
    art = _articles("articles.jsonl")[0]
    _open(browser, render_article(art), "article", tmp_path)
    for sel in ("#title", "#legend", "#a-text", ".q-direct", ".q-indirect", ".q-mixed",
                "a.m", "a.c", ".qmark", ".badge.stance", "table.quotes", "table.targets"):
        assert browser.visible(sel), sel
    n = browser.evaluate("document.querySelectorAll('#a-text .qmark').length")
    assert n == len(art["quotes"])
    # a speaker mention links to its quote in the text
    target = browser.evaluate("(() => { const a = document.querySelector('a.m'); a.click();"
                              " return location.hash; })()")
    assert target.startswith("#a-q-")
    assert browser.evaluate(f"document.querySelector('{target}:target') !== null")


def test_comparison_view(browser, tmp_path):
    gold = _articles("articles.jsonl")[0]
    pred = copy.deepcopy(gold)
    del pred["quotes"][5]
    s = gold["text"].index("read a banner")
    pred["quotes"].append({**pred["quotes"][0], "id": "p9", "start": s, "end": s + 13,
                           "text": "read a banner"})
    _open(browser, render_comparison(gold, pred, "system.jsonl"), "comparison", tmp_path)
    for sel in ("#gold", "#pred", "#g-text .miss", "#p-text .fa", "#legend"):
        assert browser.visible(sel), sel
    left, right = browser.evaluate(
        "[document.querySelector('#gold').getBoundingClientRect().left,"
        " document.querySelector('#pred').getBoundingClientRect().left]")
    assert left < right  # side by side


def test_hostile_article_runs_nothing_and_shows_everything_as_text(browser, tmp_path):
    hostile = json.loads((FIXTURES / "views" / "hostile.jsonl").read_text("utf-8"))
    log = _open(browser, render_article(hostile), "hostile", tmp_path)
    assert log.dialogs == []
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some("
        "a => a.name.startsWith('on'))).length") == 0
    assert browser.evaluate(
        "[...document.querySelectorAll('[href]')].filter(e => "
        "/^\\s*javascript:/i.test(e.getAttribute('href'))).length") == 0
    shown = browser.evaluate("document.body.innerText")
    for s in HOSTILE_STRINGS:
        assert s in shown, s
    assert browser.evaluate("document.title").startswith("<script>alert(1)</script>")
    # hovering and clicking everything still runs nothing
    browser.evaluate("document.querySelectorAll('*').forEach(e => {"
                     " e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })")
    assert browser._log().dialogs == []


def test_hostile_comparison_runs_nothing(browser, tmp_path):
    hostile = json.loads((FIXTURES / "views" / "hostile.jsonl").read_text("utf-8"))
    log = _open(browser, render_comparison(hostile, hostile, "<script>alert(7)</script>"),
                "hostile-comparison", tmp_path)
    assert log.dialogs == []
    assert "<script>alert(7)</script>" in browser.evaluate("document.body.innerText")


def test_hostile_prediction_file_runs_nothing(browser, tmp_path):
    """A prediction file (not the gold) whose quote ids, speaker name and own entity and
    target names are markup: shown as text, nothing runs, nothing loads."""
    hostile = json.loads((FIXTURES / "views" / "hostile.jsonl").read_text("utf-8"))
    pred = json.loads((FIXTURES / "views" / "hostile_pred.jsonl").read_text("utf-8"))
    log = _open(browser, render_comparison(hostile, pred, "hostile_pred.jsonl"),
                "hostile-prediction", tmp_path)
    assert log.dialogs == []
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some("
        "a => a.name.startsWith('on'))).length") == 0
    shown = browser.evaluate("document.querySelector('#pred').innerText + "
                             "document.body.innerText")
    for s in ('p1"><img src=x onerror=alert(8)>', "p2'<b onmouseover=alert(11)>",
              "<img src=x onerror=alert(9)> Nobody", "<script>alert(10)</script> own target"):
        assert s in shown, s
    assert browser.visible("#pred .q-untyped") and browser.visible("#pred .fa")
    browser.evaluate("document.querySelectorAll('*').forEach(e => {"
                     " e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); })")
    assert browser._log().dialogs == []


def test_report_page(browser, tmp_path):
    from quotestance.evaluation import evaluate_articles

    gold = _articles("articles.jsonl")
    pred = copy.deepcopy(gold)
    pred[0]["quotes"][0]["stances"][0]["label"] = "against"
    doc = evaluate_articles(gold, pred, split="custom", corpus_version="test").to_dict()
    bench = json.loads((FIXTURES / "views" / "benchmark_results.json").read_text("utf-8"))
    entries = find_entries(bench) + find_entries(doc, "copy-of-gold")
    _open(browser, render_entries(entries), "report", tmp_path)
    for sel in ("#task-quotes table.leader", "#task-stance table.heatmap", "#signatures",
                "svg.chart"):
        assert browser.visible(sel), sel


def test_overview_page(browser, tmp_path):
    arts = _articles("articles.jsonl") + _articles("seed.jsonl")
    _open(browser, render_overview(compute(arts)), "overview", tmp_path)
    assert browser.visible("#charts svg.chart") and browser.visible("table.quotas")
    n = browser.evaluate("document.querySelectorAll('#charts svg.chart').length")
    assert n >= 7


def test_the_page_policy_blocks_and_reports_injected_markup(browser, tmp_path):
    """Defence in depth: had escaping failed, the page's CSP would block the script and the
    remote image, and the harness would report both."""
    from quotestance.views.html import page

    bad = tmp_path / "injected.html"
    bad.write_text(page("t", "<script>alert(1)</script><img src='http://127.0.0.1:9/x.png'>"),
                   encoding="utf-8")
    log = browser.open(bad)
    assert log.dialogs == []
    assert any("Content Security Policy" in c for c in log.console_errors)
