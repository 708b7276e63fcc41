"""The authoring path: strings to offsets, refusing missing and ambiguous matches."""

from __future__ import annotations

import textwrap

import pytest

from quotestance.align import align_document, align_paths
from quotestance.validate import check_article

TEXT = ("Rell warns on delay\n"
        "PORT ANSEL — Tomas Rell said the talks had stalled. “We will wait,” he said, “but not "
        "for ever.”\n"
        "Strova said the plan was “a provocation”. Rell said nothing more.")


def doc(**quote):
    q = {"id": "q1", "type": "direct", "speaker": "e1", "stances": [], **quote}
    return {"id": "a1", "title": "t", "text": TEXT, "provenance": "constructed",
            "entities": [{"id": "e1", "name": "Tomas Rell", "type": "person",
                          "aliases": ["Tomas Rell", "Rell"]}],
            "targets": [{"id": "t1", "name": "the talks", "category": None}],
            "quotes": [q]}


def test_quote_mention_and_cue_become_offsets():
    art, problems = align_document(doc(text="“We will wait,”", speaker_mention="he",
                                       cue="said"), "f")
    assert problems == []
    q = art["quotes"][0]
    assert TEXT[q["start"]:q["end"]] == "“We will wait,”"
    # the nearest "said" after the quote, not the one of the previous sentence
    assert q["cue"]["start"] == TEXT.index("he said") + 3
    assert check_article(art, "f", 0, [])


def test_missing_quote_is_refused_with_a_hint():
    _, problems = align_document(doc(text='"We will wait,"'), "f")
    assert len(problems) == 1 and "curly and straight" in problems[0]


def test_repeated_quote_needs_an_occurrence():
    _, problems = align_document(doc(text="Rell", type="indirect"), "f")
    assert "occurs 3 times" in problems[0] and "occurrence" in problems[0]
    art, problems = align_document(doc(text="Rell", type="indirect", occurrence=3), "f")
    assert problems == [] and art["quotes"][0]["start"] == TEXT.rindex("Rell")


def test_mention_occurrence_overrides_nearest():
    art, problems = align_document(
        doc(text="the talks had stalled", type="indirect",
            speaker_mention={"text": "Rell", "occurrence": 3}, cue="said"), "f")
    assert problems == [] and art["quotes"][0]["speaker_mention"]["start"] == TEXT.rindex("Rell")


def test_mention_not_near_the_quote_is_refused():
    _, problems = align_document(doc(text="“We will wait,”", speaker_mention="Strova"), "f")
    assert problems == []  # Strova is in the next paragraph: allowed
    bad = doc(text="“We will wait,”", speaker_mention="nowhere")
    _, problems = align_document(bad, "f")
    assert "does not occur in the article" in problems[0]


def test_equally_near_on_both_sides_is_ambiguous():
    text = "said “Yes.” said"
    d = {**doc(text="“Yes.”", cue="said"), "text": text}
    _, problems = align_document(d, "f")
    assert "equally near" in problems[0]


def test_unknown_fields_are_reported():
    d = doc(text="“We will wait,”")
    d["quotes"][0]["speeker"] = "e1"
    d["titel"] = "x"
    _, problems = align_document(d, "f")
    assert len(problems) == 2


def test_align_paths_reports_yaml_errors_with_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: a\ntext: [unclosed\n", encoding="utf-8")
    res = align_paths([tmp_path])
    assert not res.ok and res.problems[0].startswith(f"{tmp_path / 'bad.yaml'}:")


def test_yaml_file_aligns_and_validates(tmp_path):
    (tmp_path / "a.yaml").write_text(textwrap.dedent("""\
        id: y1
        title: T
        published: 2026-03-01
        provenance: constructed
        text: |-
          Headline
          “Fine,” she said.
        entities:
          - {id: e1, name: A Person, type: person, aliases: []}
        targets: []
        quotes:
          - {id: q1, text: '“Fine,”', type: direct, speaker: e1, speaker_mention: she, cue: said}
        """), encoding="utf-8")
    res = align_paths([tmp_path])
    assert res.ok, res.problems
    (art,) = res.articles
    assert art["published"] == "2026-03-01" and art["text"] == "Headline\n“Fine,” she said."


@pytest.mark.parametrize("spec", [None, 3, {"text": ""}])
def test_bad_mention_specs(spec):
    d = doc(text="“We will wait,”", speaker_mention=spec)
    art, problems = align_document(d, "f")
    if spec is None:
        assert problems == [] and art["quotes"][0]["speaker_mention"] is None
    else:
        assert problems


def test_cue_is_found_next_to_the_mention_not_the_nearest_to_the_quote():
    text = ("Lorne said in Kessa that the fund should be “a condition of the deal”. "
            "He said more later.")
    d = {**doc(text="the fund should be “a condition of the deal”", type="mixed",
               speaker_mention="Lorne", cue="said"), "text": text}
    d["entities"][0]["aliases"].append("Lorne")
    art, problems = align_document(d, "f")
    assert problems == []
    assert art["quotes"][0]["cue"]["start"] == text.index("said")
