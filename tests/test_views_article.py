"""The article view and the gold-vs-prediction view: content, links, escaping, CLI."""

from __future__ import annotations

import copy
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from quotestance.views import pair_quotes, render_article, render_comparison

from .conftest import FIXTURES, write_jsonl

FX = FIXTURES / "interchange"
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div",
                "section", "span", "a", "table", "caption", "tr", "th", "td", "code", "strong",
                "footer", "svg", "text", "rect", "line", "ul", "li"}


class Tags(HTMLParser):
    """Every start tag and attribute of a page, to prove data never became markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def assert_inert(html: str) -> Tags:
    p = parse(html)
    for tag, attrs in p.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for k in ("href", "src", "action", "formaction"):
            v = (attrs.get(k) or "").strip().lower()
            assert not v.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
    return p


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (FX / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def harbour() -> dict:
    return _load("articles.jsonl")[0]


@pytest.fixture(scope="module")
def hostile() -> dict:
    return json.loads((FIXTURES / "views" / "hostile.jsonl").read_text("utf-8"))


def test_every_quote_is_highlighted_with_its_type_and_has_a_row(harbour):
    p = assert_inert(render_article(harbour))
    marks = [a for t, a in p.tags if t == "a" and "qmark" in (a.get("class") or "")]
    assert [m["id"] for m in marks] == [f"a-q-{q['id']}" for q in harbour["quotes"]]
    rows = {a.get("id") for t, a in p.tags if t == "tr"}
    assert {f"a-row-{q['id']}" for q in harbour["quotes"]} <= rows
    classes = " ".join(a.get("class") or "" for _, a in p.tags)
    for qt in ("direct", "indirect", "mixed"):
        assert f"q-{qt}" in classes


def test_mentions_and_cues_link_to_their_quote(harbour):
    p = parse(render_article(harbour))
    links = {(a["class"], a["href"]) for t, a in p.tags
             if t == "a" and a.get("class") in ("m", "c")}
    for q in harbour["quotes"]:
        if q["speaker_mention"]:
            assert any(c == "m" and h.startswith("#a-q-") for c, h in links)
    assert ("c", f"#a-q-{harbour['quotes'][3]['id']}") in links


def test_stance_badges_and_legend(harbour):
    html = render_article(harbour)
    assert 'id="legend"' in html
    n = sum(len(q["stances"]) for q in harbour["quotes"])
    assert html.count('class="badge stance ') == n
    assert "against · t1" in html and "favor · t2" in html


def shown_text(html: str, prefix: str = "a") -> str:
    """The article text as the page shows it, without the quote-id markers."""
    body = html.split(f'<div class="text" id="{prefix}-text">', 1)[1].split("</div>", 1)[0]
    body = re.sub(r'<a class="qmark[^>]*>.*?</a>', "", body)
    return unescape(re.sub(r"<[^>]+>", "", body))


def test_the_article_text_is_shown_whole(harbour):
    assert shown_text(render_article(harbour)) == harbour["text"]


def test_hostile_article_renders_as_text(hostile):
    html = render_article(hostile)
    p = assert_inert(html)
    assert shown_text(html) == hostile["text"]
    shown = "".join(p.text)
    for s in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
              "javascript:alert(6)", "<b onmouseover=alert(3)>bold</b>", "'quoted' \"twice\""):
        assert s in shown
    assert "<script" not in html.lower().replace("&lt;script", "")


def test_hostile_ids_cannot_break_out_of_attributes(hostile):
    p = parse(render_article(hostile))
    for _, attrs in p.tags:
        for k in ("id", "href"):
            v = attrs.get(k) or ""
            assert "<" not in v and '"' not in v


def test_http_urls_are_links_and_others_are_text(harbour):
    web = render_article(dict(harbour, url="https://example.org/a?b=1&c=2"))
    assert 'href="https://example.org/a?b=1&amp;c=2"' in web
    for url in ("javascript:alert(1)", "data:text/html,x", " JAVASCRIPT:alert(1)"):
        assert "href=\"" + url not in render_article(dict(harbour, url=url))


# ------------------------------------------------------------------ gold vs prediction

def _pred(gold: dict) -> dict:
    """A prediction: q1 exact, q2 shifted (partial), q6 missing, one false alarm."""
    p = copy.deepcopy(gold)
    qs = p["quotes"]
    qs[1]["start"] += 1
    qs[1]["text"] = gold["text"][qs[1]["start"]:qs[1]["end"]]
    del qs[5]
    s = gold["text"].index("read a banner")
    qs.append({**qs[0], "id": "p9", "start": s, "end": s + 13, "text": "read a banner",
               "stances": []})
    return p


def test_pairing_marks_exact_partial_miss_and_false_alarm(harbour):
    pr = pair_quotes(harbour["quotes"], _pred(harbour)["quotes"])
    assert pr.status_gold == {"q1": "exact", "q2": "partial", "q3": "exact", "q4": "exact",
                              "q5": "exact", "q6": "miss"}
    assert pr.status_pred["p9"] == "fa"
    assert pr.counts == {"gold": 6, "predicted": 6, "exact": 4, "partial": 1, "missed": 1,
                         "false_alarms": 1}


def test_pairing_is_one_to_one():
    g = [{"id": "g1", "start": 0, "end": 10}]
    p = [{"id": "p1", "start": 0, "end": 5}, {"id": "p2", "start": 2, "end": 10}]
    pr = pair_quotes(g, p)
    assert pr.gold_to_pred == {"g1": "p2"}
    assert pr.status_pred == {"p2": "partial", "p1": "fa"}


def test_comparison_shows_both_sides_with_misses_and_false_alarms(harbour):
    html = render_comparison(harbour, _pred(harbour), "rules.jsonl")
    p = assert_inert(html)
    ids = {a.get("id") for _, a in p.tags}
    assert {"gold", "pred", "g-text", "p-text"} <= ids
    missed = [a for t, a in p.tags if "miss" in (a.get("class") or "").split()]
    false_alarms = [a for t, a in p.tags if "fa" in (a.get("class") or "").split()]
    assert missed and false_alarms
    assert "MISSED" in html and "FALSE ALARM" in html


def test_comparison_names_the_layers_a_paired_quote_gets_wrong(harbour):
    from quotestance.views.article import layer_differences

    pred = _pred(harbour)
    pred["quotes"][0]["stances"] = [{"target": "t1", "label": "against"}]
    pred["quotes"][2]["speaker"] = "e2"
    pr = pair_quotes(harbour["quotes"], pred["quotes"])
    assert layer_differences(harbour, pred, pr) == {"q1": "stance differs",
                                                    "q3": "speaker differs"}
    assert "stance differs" in render_comparison(harbour, pred)


def test_comparison_refuses_a_different_text(harbour):
    with pytest.raises(ValueError, match="text differs"):
        render_comparison(harbour, dict(harbour, text=harbour["text"] + "x"))


# ------------------------------------------------------------------ command line

def test_cli_show_file_and_id(tmp_path, run_cli, harbour):
    out = tmp_path / "a.html"
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_text("utf-8") == render_article(harbour)
    r = run_cli("show", FX / "articles.jsonl")
    assert r.exit_code == 2 and "--id" in r.stderr
    r = run_cli("show", FX / "articles.jsonl", "--id", "nope")
    assert r.exit_code == 1 and "no article with id 'nope'" in r.stderr


def test_cli_show_looks_an_id_up_in_a_corpus_file(run_cli):
    r = run_cli("show", "qs-fx-0002", "--corpus", FX / "articles.jsonl")
    assert r.exit_code == 0 and "<!DOCTYPE html>" in r.stdout


def test_cli_show_with_predictions(tmp_path, run_cli, harbour):
    pred = write_jsonl(tmp_path / "pred.jsonl", [_pred(harbour)])
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", pred)
    assert r.exit_code == 0, r.output
    assert 'id="pred"' in r.stdout and "FALSE ALARM" in r.stdout


def test_cli_show_rejects_a_prediction_outside_the_text(tmp_path, run_cli, harbour):
    bad = _pred(harbour)
    bad["quotes"][0]["end"] = 10_000
    pred = write_jsonl(tmp_path / "pred.jsonl", [bad])
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", pred)
    assert r.exit_code == 1 and "pred.jsonl:1: quotes[0]" in r.stderr
    other = write_jsonl(tmp_path / "other.jsonl", [dict(bad, id="zzz")])
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", other)
    assert r.exit_code == 1 and "no prediction for article" in r.stderr


def test_cli_show_never_overwrites_its_input(tmp_path, run_cli):
    src = tmp_path / "a.jsonl"
    src.write_bytes((FX / "seed.jsonl").read_bytes())
    r = run_cli("show", src, "-o", src)
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert src.read_bytes() == (FX / "seed.jsonl").read_bytes()
