"""Speaker attribution baselines: pronoun and description speakers, split quotes, the ranker."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from quotestance.benchmark import make_input
from quotestance.corpus import load_corpus
from quotestance.labels import EntityType, QuoteType
from quotestance.records import Annotation, Article, Entity, Quote
from quotestance_baselines.speakers import HeuristicSpeaker
from quotestance_baselines.speakers_learned import LearnedSpeakerRanker

FIXTURES = Path(__file__).parent / "fixtures" / "baselines"


def make(text: str, quotes: list[str], entities: list[tuple[str, str, list[str]]]) -> Article:
    qs = []
    for i, s in enumerate(quotes):
        start = text.index(s)
        qs.append(Quote(f"q{i + 1}", start, start + len(s), s, QuoteType.DIRECT, None, None, None,
                        None, ()))
    ents = tuple(Entity(eid, name, EntityType.PERSON, tuple(aliases), None, None, None)
                 for eid, name, aliases in entities)
    return Article("a1", text, "t", None, None, "en", None, None, "constructed", None, None,
                   ents, (), tuple(qs), Annotation("1.0", (), None))


def speakers(article: Article, system=None) -> list[tuple[str | None, str | None]]:
    out = (system or HeuristicSpeaker()).predict_article(article)
    return [(q.speaker, q.speaker_mention.text if q.speaker_mention else None)
            for q in out.quotes]


def test_named_speaker_after_the_quote():
    a = make("“We are ready,” Rell said.", ["“We are ready,”"],
             [("e1", "Tomas Rell", ["Tomas Rell", "Rell"])])
    assert speakers(a) == [("e1", "Rell")]


def test_pronoun_speaker_resolves_to_the_most_recent_named_person():
    t = ("Tomas Rell met Anna Vane in Harlow. Vane said the talks were useful.\n"
         "“We will meet again,” she said.")
    a = make(t, ["“We will meet again,”"], [("e1", "Tomas Rell", ["Tomas Rell"]),
                                           ("e2", "Anna Vane", ["Anna Vane", "Vane"])])
    assert speakers(a) == [("e2", "she")]


def test_description_resolves_through_role_words():
    t = ("Anna Vane, the Prime Minister of Marenland, met Piet Ovis.\n"
         "“No deal today,” the prime minister said.")
    ents = [("e1", "Anna Vane", ["Anna Vane"]), ("e2", "Piet Ovis", ["Piet Ovis"])]
    a = make(t, ["“No deal today,”"], ents)
    a = dataclasses.replace(a, entities=(
        dataclasses.replace(a.entities[0], role="Prime Minister of Marenland"), a.entities[1]))
    assert speakers(a) == [("e1", "the prime minister")]


def test_pronoun_is_never_resolved_to_a_name_inside_a_quote():
    t = ("Piet Ovis spoke first. “Anna Vane is wrong,” he said.")
    a = make(t, ["“Anna Vane is wrong,”"], [("e1", "Piet Ovis", ["Piet Ovis"]),
                                           ("e2", "Anna Vane", ["Anna Vane"])])
    assert speakers(a) == [("e1", "he")]


def test_split_quote_parts_share_the_speaker():
    t = "“We are ready,” Rell said, “but not at any price.”"
    a = make(t, ["“We are ready,”", "“but not at any price.”"], [("e1", "Tomas Rell", ["Rell"])])
    assert [s for s, _ in speakers(a)] == ["e1", "e1"]


def test_quote_without_cue_takes_the_previous_speaker_of_the_paragraph_before():
    t = "“First,” Rell said.\n“Second point without attribution.”"
    a = make(t, ["“First,”", "“Second point without attribution.”"],
             [("e1", "Tomas Rell", ["Rell"])])
    assert speakers(a) == [("e1", "Rell"), ("e1", None)]


def test_raw_text_makes_entities_from_speaker_names():
    t = "“We are ready,” Tomas Rell said.\n“Not yet,” Rell added."
    a = make(t, ["“We are ready,”", "“Not yet,”"], [])
    out = HeuristicSpeaker().predict_article(a)
    assert len(out.entities) == 1 and out.entities[0].name == "Tomas Rell"
    assert {q.speaker for q in out.quotes} == {out.entities[0].id}


def test_learned_ranker_learns_the_fixture_corpus():
    train = load_corpus(path=FIXTURES / "train.jsonl")
    test = load_corpus(path=FIXTURES / "test.jsonl")
    ranker = LearnedSpeakerRanker(C=1.0).fit(train)
    assert ranker.model_.coef_.shape[0] == 1
    gold = [q.speaker for a in test for q in a.quotes]
    pred = [q.speaker for a in test for q in ranker.predict_article(
        make_input(a, "speakers")).quotes]
    assert sum(g == p for g, p in zip(gold, pred)) / len(gold) >= 0.9


def test_fit_without_attributed_quotes_is_a_clear_error():
    a = make("Nothing was said.", [], [])
    with pytest.raises(ValueError, match="no attributed quotes"):
        LearnedSpeakerRanker().fit([a])
