"""Hypothesis strategies: valid articles with random text (emoji and combining marks included),
random quote/mention/cue spans, entities, targets and stances."""

from __future__ import annotations

from hypothesis import strategies as st

from quotestance.labels import ENTITY_TYPES, QUOTE_TYPES, STANCE_LABELS, target_category_ids

ALPHABET = list("abcdefghij KLMNO.,;:-'\"“”‘’\n") + ["🙂", "é", "\u0301", "ß", "中", "𝒳"]
CATS = sorted(target_category_ids())


@st.composite
def spans(draw, n: int, k: int):
    """k sorted, non-overlapping [start, end) spans inside [0, n)."""
    cuts = sorted(draw(st.lists(st.integers(0, n), min_size=2 * k, max_size=2 * k, unique=True)))
    return [(cuts[2 * i], cuts[2 * i + 1]) for i in range(k)]


@st.composite
def articles(draw, aid: str | None = None):
    text = draw(st.text(ALPHABET, min_size=30, max_size=400))
    n_q = draw(st.integers(0, 4))
    sp = draw(spans(len(text), 3 * n_q)) if n_q else []
    n_ent = draw(st.integers(1, 3))
    ents = [{"id": f"e{i}", "name": f"Name {i}", "type": draw(st.sampled_from(ENTITY_TYPES)),
             "aliases": [], "role": None, "affiliation": None, "kb_id": None}
            for i in range(1, n_ent + 1)]
    n_t = draw(st.integers(0, 3))
    targets = [{"id": f"t{i}", "name": f"target {i}",
                "category": draw(st.sampled_from(CATS + [None]))} for i in range(1, n_t + 1)]
    quotes = []
    for i in range(n_q):
        (qs, qe), (ms, me), (cs, ce) = sp[3 * i: 3 * i + 3]
        order = draw(st.permutations([(qs, qe), (ms, me), (cs, ce)]))
        (qs, qe), (ms, me), (cs, ce) = order
        speaker = draw(st.sampled_from([None] + [e["id"] for e in ents]))
        mention = None
        if speaker is not None and draw(st.booleans()):
            mention = {"start": ms, "end": me, "text": text[ms:me]}
            ent = next(e for e in ents if e["id"] == speaker)
            ent["aliases"].append(text[ms:me])
        cue = {"start": cs, "end": ce, "text": text[cs:ce]} if draw(st.booleans()) else None
        chosen = draw(st.lists(st.sampled_from([t["id"] for t in targets]), unique=True)) \
            if targets else []
        quotes.append({"id": f"q{i + 1}", "start": qs, "end": qe, "text": text[qs:qe],
                       "type": draw(st.sampled_from(QUOTE_TYPES)), "speaker": speaker,
                       "speaker_mention": mention, "cue": cue,
                       "continues": f"q{i}" if i and draw(st.booleans()) else None,
                       "stances": [{"target": t, "label": draw(st.sampled_from(STANCE_LABELS))}
                                   for t in chosen]})
    quotes.sort(key=lambda q: (q["start"], q["end"]))
    return {"id": aid or f"h-{draw(st.integers(0, 10**9))}", "text": text, "title": "Title",
            "outlet": None, "published": None, "language": "en", "url": None,
            "source_id": None, "provenance": "constructed", "split": None, "genre": None,
            "entities": ents, "targets": targets, "quotes": quotes,
            "annotation": {"guidelines": "1.0", "annotators": [], "notes": None}}
