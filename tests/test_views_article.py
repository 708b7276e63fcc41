"""The article view and the gold-vs-prediction view: content, links, escaping, CLI."""

from __future__ import annotations

import copy
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotestance.evaluation import PredictionError
from quotestance.views import pair_quotes, render_article, render_comparison

from .conftest import FIXTURES, write_jsonl

FX = FIXTURES / "interchange"
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div",
                "section", "span", "a", "table", "caption", "tr", "th", "td", "code", "strong",
                "footer", "svg", "text", "rect", "line", "ul", "li", "br"}


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


HOSTILE_PRED = FIXTURES / "views" / "hostile_pred.jsonl"
INJECTED = 'x"><img src=x onerror=alert(1)><b class="y'


def test_hostile_prediction_renders_as_text(hostile):
    """tests/fixtures/views/hostile_pred.jsonl: a valid prediction whose quote ids, speaker
    name, own entity and own target names are markup."""
    pred = json.loads(HOSTILE_PRED.read_text("utf-8"))
    html = render_comparison(hostile, pred, "<script>alert(7)</script>")
    p = assert_inert(html)
    shown = "".join(p.text)
    for s in ('p1"><img src=x onerror=alert(8)>', "p2'<b onmouseover=alert(11)>",
              "<img src=x onerror=alert(9)> Nobody", "<script>alert(10)</script> own target",
              "<script>alert(7)</script>"):
        assert s in shown, s
    assert shown_text(html, "p") == hostile["text"]
    for _, attrs in p.tags:
        assert set((attrs.get("class") or "").split()) <= KNOWN_CLASSES, attrs
        for k in ("id", "href"):
            assert "<" not in (attrs.get(k) or "") and '"' not in (attrs.get(k) or ""), attrs


KNOWN_CLASSES = {"text", "q", "q-direct", "q-indirect", "q-mixed", "q-untyped", "m", "c",
                 "qmark", "miss", "fa", "st-exact", "st-partial", "st-miss", "st-fa",
                 "st-diff", "small", "cols", "meta", "qtext", "scroll", "muted", "badge",
                 "stance", "favor", "against", "neutral", "legend", "key", "cards", "card", "v",
                 "k", "quotes", "targets", "entities", "notes", "direct", "indirect", "mixed"}


def test_a_quote_type_carrying_markup_is_refused_by_the_prediction_parser(hostile):
    pred = {"id": hostile["id"], "quotes": [{"start": 108, "end": 162, "type": INJECTED}]}
    with pytest.raises(PredictionError, match=r"quotes\[0\]\.type: must be one of"):
        render_comparison(hostile, pred)


def test_unchecked_quote_types_cannot_break_out_of_attributes(harbour):
    """Defence in depth: even a quote that skipped the parser is drawn inert."""
    from quotestance.views.article import highlighted_text, quote_table

    art = copy.deepcopy(harbour)
    art["quotes"][0]["type"] = INJECTED
    status = {q["id"]: "fa" for q in art["quotes"]}
    html = highlighted_text(art, "p", status) + quote_table(art, "p", status)
    p = assert_inert(html)
    assert not [t for t, _ in p.tags if t in ("img", "b")]
    classes = {c for _, a in p.tags for c in (a.get("class") or "").split()}
    assert "q-untyped" in classes and classes <= KNOWN_CLASSES


def test_http_urls_are_links_and_others_are_text(harbour):
    web = render_article(dict(harbour, url="https://example.org/a?b=1&c=2"))
    assert 'href="https://example.org/a?b=1&amp;c=2"' in web
    for url in ("javascript:alert(1)", "data:text/html,x", " JAVASCRIPT:alert(1)"):
        assert "href=\"" + url not in render_article(dict(harbour, url=url))


# ------------------------------------------------------------------ gold vs prediction

def _pred(gold: dict) -> dict:
    """A prediction: q1 exact, q2 without its first word (partial), q6 missing, one false
    alarm. (Without only its opening quotation mark q2 would be exact, as in ``evaluate``.)"""
    p = copy.deepcopy(gold)
    qs = p["quotes"]
    qs[1]["start"] += len("“We ")
    qs[1]["text"] = gold["text"][qs[1]["start"]:qs[1]["end"]]
    del qs[5]
    s = gold["text"].index("read a banner")
    qs.append({**qs[0], "id": "p9", "start": s, "end": s + 13, "text": "read a banner",
               "stances": []})
    return p


def test_pairing_marks_exact_partial_miss_and_false_alarm(harbour):
    pr = pair_quotes(harbour["text"], harbour["quotes"], _pred(harbour)["quotes"])
    assert pr.status_gold == {"q1": "exact", "q2": "partial", "q3": "exact", "q4": "exact",
                              "q5": "exact", "q6": "miss"}
    assert pr.status_pred["p9"] == "fa"
    assert pr.counts == {"gold": 6, "predicted": 6, "exact": 4, "partial": 1, "missed": 1,
                         "false_alarms": 1}


def test_pairing_is_one_to_one():
    text = "one two three four five"
    g = [{"id": "g1", "start": 0, "end": 23}]                       # one .. five
    p = [{"id": "p1", "start": 0, "end": 7}, {"id": "p2", "start": 4, "end": 23}]
    pr = pair_quotes(text, g, p)
    assert pr.gold_to_pred == {"g1": "p2"}
    assert pr.status_pred == {"p2": "partial", "p1": "fa"}


AGREE_TEXT = "one two three four five six \u201cseven eight,\u201d nine ten"


def _span(words: str) -> tuple[int, int]:
    i = AGREE_TEXT.index(words)
    return i, i + len(words)


def _quotes(spans: dict[str, str]) -> list[dict]:
    out = []
    for qid, words in spans.items():
        s, e = _span(words)
        out.append({"id": qid, "start": s, "end": e, "text": words, "type": "direct",
                    "speaker": None, "speaker_mention": None, "cue": None, "continues": None,
                    "stances": []})
    return out


def _token_ranges(text: str, quotes: list[dict]) -> dict[str, tuple[int, int]]:
    from quotestance.evaluation.matching import Tokens, normalise_span

    tok = Tokens(text)
    return {q["id"]: tok.range(*normalise_span(text, q["start"], q["end"])) for q in quotes}


def _shared(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def test_show_pairs_quotes_exactly_as_evaluate_does(harbour):
    """Two cases where the old greedy pairing (largest character overlap first, raw offsets)
    disagreed with evaluate: it paired p0 with g1, leaving g0 missed and p1 a false alarm;
    and it called p2 partial although evaluate counts it exact (p2 only lacks the quotation
    marks and the comma)."""
    from quotestance.evaluation import evaluate_articles

    gold = dict(harbour, id="qs-agree", text=AGREE_TEXT, entities=[], targets=[],
                quotes=_quotes({"g0": "one two", "g1": "two three four five",
                                "g2": "\u201cseven eight,\u201d"}))
    pred = {"id": "qs-agree", "quotes": [
        {"id": f"p{k}", "start": s, "end": e} for k, (s, e) in enumerate(
            [_span("one two three four"), _span("four five six"), _span("seven eight")])]}
    res = evaluate_articles([gold], [pred], tasks=["quotes"])
    pairing = pair_quotes(AGREE_TEXT, gold["quotes"], pred["quotes"])
    assert pairing.gold_to_pred == {"g0": "p0", "g1": "p1", "g2": "p2"}
    assert pairing.status_gold == {"g0": "partial", "g1": "partial", "g2": "exact"}
    assert pairing.counts["exact"] == res.counts["quotes.exact.tp"] == 1
    # the view's pairs earn exactly the partial credit evaluate gives (docs/scoring.md)
    g_rng = _token_ranges(AGREE_TEXT, gold["quotes"])
    p_rng = _token_ranges(AGREE_TEXT, pred["quotes"])
    p_credit = r_credit = 0.0
    for g, pid in pairing.gold_to_pred.items():
        o = _shared(g_rng[g], p_rng[pid])
        p_credit += o / (p_rng[pid][1] - p_rng[pid][0])
        r_credit += o / (g_rng[g][1] - g_rng[g][0])
    assert p_credit == pytest.approx(res.counts["quotes.partial.p_credit"])
    assert r_credit == pytest.approx(res.counts["quotes.partial.r_credit"])
    html = render_comparison(gold, pred)
    cards = {k: int(v) for v, k in
             re.findall(r'<div class="v">(\d+)</div><div class="k">([a-z ]+)</div>', html)}
    assert cards == {"gold quotes": 3, "predicted": 3, "exact": 1, "partial": 2, "missed": 0,
                     "false alarms": 0}


SPANS = st.lists(st.tuples(st.integers(0, len(AGREE_TEXT) - 1), st.integers(1, 20)),
                 max_size=5)


@settings(max_examples=200, deadline=None)
@given(SPANS, SPANS)
def test_show_exact_pairs_are_always_evaluates_exact_matches(gold_spans, pred_spans):
    from quotestance.evaluation.counts import QuoteView, article_stats

    text = AGREE_TEXT
    gold = [{"id": f"g{k}", "start": s, "end": min(s + n, len(text))}
            for k, (s, n) in enumerate(gold_spans)]
    pred = [{"id": f"p{k}", "start": s, "end": min(s + n, len(text))}
            for k, (s, n) in enumerate(pred_spans)]
    stats = article_stats(text, [QuoteView(q["start"], q["end"], "direct", None, ())
                                 for q in gold],
                          [QuoteView(q["start"], q["end"], None, None, ()) for q in pred],
                          {}, tasks=("quotes",))
    pairing = pair_quotes(text, gold, pred)
    assert pairing.counts["exact"] == stats.get("quotes.exact.tp", 0)
    assert len(set(pairing.gold_to_pred.values())) == len(pairing.gold_to_pred)
    # a missed gold quote shares no word with any false alarm (else they would be paired)
    g_rng, p_rng = _token_ranges(text, gold), _token_ranges(text, pred)
    for g in gold:
        for p in pred:
            if pairing.status_gold[g["id"]] == "miss" and pairing.status_pred[p["id"]] == "fa":
                assert _shared(g_rng[g["id"]], p_rng[p["id"]]) == 0


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
    pr = pair_quotes(harbour["text"], harbour["quotes"], pred["quotes"])
    assert layer_differences(harbour, pred, pr) == {"q1": "stance differs",
                                                    "q3": "speaker differs"}
    assert "stance differs" in render_comparison(harbour, pred)


def test_comparison_refuses_a_different_text(harbour):
    with pytest.raises(PredictionError, match="'text' differs from the gold article's text"):
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
    assert r.exit_code == 1 and \
        "pred.jsonl:1: article 'qs-fx-0001' quotes[0]: span [54, 10000) lies outside the text" \
        in r.stderr
    other = write_jsonl(tmp_path / "other.jsonl", [dict(bad, id="zzz")])
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", other)
    assert r.exit_code == 1 and "no prediction for article" in r.stderr


def test_cli_show_never_overwrites_its_input(tmp_path, run_cli):
    src = tmp_path / "a.jsonl"
    src.write_bytes((FX / "seed.jsonl").read_bytes())
    r = run_cli("show", src, "-o", src)
    assert r.exit_code == 2 and "refusing to overwrite" in r.stderr
    assert src.read_bytes() == (FX / "seed.jsonl").read_bytes()


@pytest.mark.parametrize("quote, extra, says", [
    ({"type": INJECTED}, {}, "quotes[0].type: must be one of {direct, indirect, mixed}"),
    ({"stances": "ab"}, {}, "quotes[0].stances: expected an array, got string"),
    ({"speaker": ["a"]}, {}, "quotes[0].speaker: expected a non-empty string or null"),
    ({}, {"entities": [1, 2]}, "entities[0]: expected an object with string 'id' and 'name'"),
    ({"id": ["x"]}, {}, "quotes[0].id: expected a non-empty string or null, got ['x']"),
    ({"cue": {"start": 5}}, {}, "quotes[0].cue: expected null or an object with integer"),
    ({"speaker": "e99"}, {}, "quotes[0].speaker: 'e99' is not an entity id of gold article"),
    ({"start": True}, {}, "quotes[0].start: expected an integer code-point offset"),
])
def test_cli_show_refuses_bad_predictions_with_path_line_messages(tmp_path, run_cli, quote,
                                                                  extra, says):
    bad = {"id": "qs-fx-0001", "quotes": [{"start": 54, "end": 104, **quote}], **extra}
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": "other", "quotes": []}, bad])
    out = tmp_path / "x.html"
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", pred, "-o", out)
    assert r.exit_code == 1, r.output
    assert f"{pred}:2: article 'qs-fx-0001' {says}" in r.stderr, r.stderr
    assert "Traceback" not in r.output and not out.exists()


def test_cli_show_refuses_duplicate_keys_and_duplicate_articles(tmp_path, run_cli):
    pred = tmp_path / "pred.jsonl"
    pred.write_text('{"id": "qs-fx-0001", "quotes": [], "quotes": []}\n', "utf-8")
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", pred)
    assert r.exit_code == 1 and f"{pred}:1:" in r.stderr and "twice" in r.stderr
    write_jsonl(pred, [{"id": "qs-fx-0001", "quotes": []}] * 2)
    r = run_cli("show", FX / "articles.jsonl", "--id", "qs-fx-0001", "--pred", pred)
    assert r.exit_code == 1 and f"{pred}:2: duplicate article id 'qs-fx-0001'" in r.stderr


def test_cli_show_hostile_prediction_file(tmp_path, run_cli, hostile):
    gold = write_jsonl(tmp_path / "gold.jsonl", [hostile])
    out = tmp_path / "x.html"
    r = run_cli("show", gold, "--pred", HOSTILE_PRED, "-o", out)
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    assert_inert(html)
    assert html == render_comparison(hostile, json.loads(HOSTILE_PRED.read_text("utf-8")),
                                     HOSTILE_PRED.name)
