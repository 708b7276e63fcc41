"""The rule-based quote extractor on its tricky cases (one small text each), and the learned
extractor on a tiny training set."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotestance_baselines.quotes_rules import RuleQuoteExtractor, extract
from quotestance_baselines.text import quoted_spans

FIXTURES = Path(__file__).parent / "fixtures" / "baselines"


def quotes(text: str) -> list[tuple[str, str]]:
    return [(text[f.start:f.end], f.type) for f in extract(text)]


def test_curly_double_quotes_with_trailing_attribution():
    t = "“We will not back down,” Rell said."
    assert quotes(t) == [("“We will not back down,”", "direct")]


def test_straight_double_quotes():
    t = 'Rell said: "We will not back down."'
    assert quotes(t) == [('"We will not back down."', "direct")]


def test_curly_apostrophe_is_not_an_opening_quote():
    t = "“NATO’s expansion is a threat,” he said. The ministry’s officials agreed."
    assert quotes(t) == [("“NATO’s expansion is a threat,”", "direct")]


def test_closing_single_quote_is_not_taken_for_an_apostrophe():
    t = "The minister said: ‘The talks are over.’ Nobody replied."
    assert quotes(t) == [("‘The talks are over.’", "direct")]


def test_british_single_quotes_with_straight_apostrophes():
    t = "'We don't accept the Council's terms,' Ms Vane said."
    assert quotes(t) == [("'We don't accept the Council's terms,'", "direct")]


def test_plural_possessive_inside_a_single_quoted_quote():
    t = "‘The farmers’ union will strike on Monday,’ Ovis said."
    assert [q.end for q in quoted_spans(t)] == [len("‘The farmers’ union will strike on Monday,’")]
    assert quotes(t) == [("‘The farmers’ union will strike on Monday,’", "direct")]


def test_split_quote_gives_two_quotes_the_second_continuing_the_first():
    t = "“We are ready,” she said, “but not at any price.”"
    found = extract(t)
    assert [(t[f.start:f.end], f.type) for f in found] == [
        ("“We are ready,”", "direct"), ("“but not at any price.”", "direct")]
    assert found[1].continues == 0
    assert t[found[1].cue[0]:found[1].cue[1]] == "said"
    assert t[found[1].subject[0]:found[1].subject[1]] == "she"


def test_multi_paragraph_quote_is_one_span():
    t = ("Rell said: “The first part ends here.\n"
         "“The second part goes on and ends here,” she added.\n"
         "Markets rose.")
    expect = t[t.index("“"):t.index("here,”") + len("here,”")]
    assert quotes(t) == [(expect, "direct")]


def test_indirect_speech_with_that():
    t = "The minister said that the border would stay closed."
    assert quotes(t) == [("the border would stay closed", "indirect")]


def test_indirect_speech_without_that():
    t = "Rell said the border would stay closed until March."
    assert quotes(t) == [("the border would stay closed until March", "indirect")]


def test_told_needs_its_that_clause():
    t = "Ovis told reporters in Harlow on Monday that talks would resume."
    assert quotes(t) == [("talks would resume", "indirect")]


def test_according_to():
    t = "According to the ministry, the deal is off."
    found = extract(t)
    assert [(t[f.start:f.end], f.type) for f in found] == [("the deal is off", "indirect")]
    assert t[found[0].cue[0]:found[0].cue[1]] == "According to"


def test_final_attribution_after_a_clause():
    t = "The union will strike on Monday, he added."
    assert quotes(t) == [("The union will strike on Monday", "indirect")]


def test_mixed_quote_holds_a_quoted_fragment():
    t = "Rell said the plan was “dead on arrival” and would be withdrawn."
    assert quotes(t) == [("the plan was “dead on arrival” and would be withdrawn", "mixed")]


def test_nested_quotes_stay_inside_the_outer_quote():
    t = "“He told me ‘never again’, and I believed him,” Vane said."
    assert quotes(t) == [("“He told me ‘never again’, and I believed him,”", "direct")]


def test_scare_quotes_are_not_quotations():
    t = "The so-called “peace dividend” never arrived. Officials met in Harlow."
    assert quotes(t) == []


def test_headline_partial_quote_is_mixed():
    t = "Raisi Calls NATO’s Expansion ‘Serious Threat’\nThe talks went on."
    assert quotes(t) == [("Raisi Calls NATO’s Expansion ‘Serious Threat’", "mixed")]


def test_reported_action_without_content_is_not_a_quote():
    t = "The spokesman expressed regret over the escalation."
    assert quotes(t) == []


def test_system_returns_valid_records(seed_article):
    pred = RuleQuoteExtractor().predict_article(seed_article)
    assert pred.id == seed_article.id and pred.text == seed_article.text
    for q in pred.quotes:
        assert pred.text[q.start:q.end] == q.text
        assert q.speaker is None and q.stances == ()
    assert [q.start for q in pred.quotes] == sorted(q.start for q in pred.quotes)


def test_seed_article_spans_match_gold(seed_article):
    gold = {(q.start, q.end, q.type.value) for q in seed_article.quotes}
    pred = {(q.start, q.end, q.type) for q in
            RuleQuoteExtractor().predict_article(seed_article).quotes}
    assert len(gold & pred) >= 0.8 * len(gold)


@pytest.fixture
def seed_article():
    from quotestance.corpus import load_corpus

    return load_corpus(path=FIXTURES / "seed.jsonl")[0]
