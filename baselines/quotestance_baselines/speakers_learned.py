"""Learned speaker attribution: a logistic-regression ranker over candidate mentions.

Candidates of a quote are the mentions of entities (names, descriptions) and pronouns outside
quotations in its paragraph and the paragraphs on either side; a pronoun stands for the most
recent compatible named entity. Features: distance, side of the quote, whether a reporting cue
is next to the mention, paragraph position, mention kind, whether the rule attributor chose it,
whether it names the previous quote's speaker. The highest-scoring candidate wins.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from quotestance.records import Article, Quote, Span
from quotestance.systems import System, pack_linear, unpack_linear

from .quotes_rules import extract
from .speakers import MentionIndex, _paragraph_index, attributions, entities_from_forms
from .text import CUE_VERBS

N_FEATURES = 2 ** 12
_WORD = re.compile(r"\w+")


def _bucket(n: int) -> str:
    for b in (0, 3, 10, 30, 80, 200, 500):
        if n <= b:
            return str(b)
    return "far"


def _cue_next_to(text: str, start: int, end: int) -> str:
    after = _WORD.findall(text[end:end + 25])[:2]
    before = _WORD.findall(text[max(0, start - 25):start])[-2:]
    if after and after[0].lower() in CUE_VERBS or len(after) > 1 and after[1].lower() in CUE_VERBS:
        return "cue_after"
    if before and before[-1].lower() in CUE_VERBS:
        return "cue_before"
    if before[-2:] == ["according", "to"] or [w.lower() for w in before[-2:]] == \
            ["according", "to"]:
        return "according"
    return "none"


def _candidates(article: Article, index: MentionIndex, q: Quote, para_of):
    pq = para_of(q.start), para_of(q.end - 1)
    out = []
    for m in index.mentions:
        if m.in_quote or not (pq[0] - 1 <= para_of(m.start) <= pq[1] + 1):
            continue
        if q.start <= m.start < q.end:
            continue
        eid = m.entity if m.entity is not None else index.resolve_pronoun(
            m.start, article.text[m.start:m.end])
        if eid is not None:
            out.append((m, eid))
    return out


def _features(article, q, m, eid, heur, prev_speaker, para_of, rank) -> dict[str, Any]:
    text = article.text
    side = "before" if m.end <= q.start else "after"
    dist = q.start - m.end if side == "before" else m.start - q.end
    between = text[m.end:q.start] if side == "before" else text[q.end:m.start]
    same_sent = not re.search(r"[.!?][”’\"']?\s", between)
    cue = _cue_next_to(text, m.start, m.end)
    chosen = heur is not None and heur.subject is not None and \
        heur.subject[0] <= m.start and m.end <= heur.subject[1]
    prel = para_of(m.start) - para_of(q.start)
    f = {"kind=" + m.kind: 1, "side=" + side: 1, "dist=" + _bucket(dist): 1,
         "same_sentence": int(same_sent), "cue=" + cue: 1, "heuristic": int(chosen),
         "prev_speaker": int(eid == prev_speaker), f"para={prel}": 1,
         "rank=" + str(min(rank, 4)): 1, "type=" + str(getattr(q.type, "value", q.type)): 1,
         "m_para_start": int(m.start == 0 or text[m.start - 1] == "\n"),
         f"{m.kind}|{side}|{cue}": 1, f"{side}|same_sentence={same_sent}": 1,
         f"heuristic|{m.kind}": int(chosen)}
    return f


def _rows(article: Article, heuristic_speakers: dict[str, str | None] | None = None):
    """(quote index, candidate mention, entity, features) of every candidate of every quote."""
    text = article.text
    found = extract(text)
    entities = article.entities or entities_from_forms(text, found)
    index = MentionIndex(text, entities, article.quotes)
    para_of = _paragraph_index(text)
    heur = attributions(text, article.quotes, found)
    rows = []
    prev = None
    for i, q in enumerate(article.quotes):
        cands = _candidates(article, index, q, para_of)
        before = sorted((c for c in cands if c[0].end <= q.start), key=lambda c: -c[0].start)
        after = sorted((c for c in cands if c[0].start >= q.end), key=lambda c: c[0].start)
        for rank_list in (before, after):
            for r, (m, eid) in enumerate(rank_list):
                rows.append((i, m, eid, _features(article, q, m, eid, heur[i], prev, para_of, r)))
        prev = (heuristic_speakers or {}).get(q.id, q.speaker)
    return entities, heur, rows


class LearnedSpeakerRanker(System):
    """Logistic regression ranking candidate mentions of each quote."""

    name = "learned-speakers"
    tasks = frozenset({"speakers"})
    param_grid = {"C": [0.1, 1.0, 10.0]}

    def __init__(self, C: float = 1.0, random_state: int = 0):
        self.C = C
        self.random_state = random_state

    def _hasher(self):
        from sklearn.feature_extraction import FeatureHasher

        return FeatureHasher(n_features=N_FEATURES, alternate_sign=False)

    def fit(self, articles: Sequence[Article]) -> "LearnedSpeakerRanker":
        from sklearn.linear_model import LogisticRegression

        X, y = [], []
        for a in articles:
            _, _, rows = _rows(a)
            for i, m, eid, f in rows:
                q = a.quotes[i]
                g = q.speaker_mention
                pos = (g.start, g.end) == (m.start, m.end) if g is not None else \
                    eid == q.speaker
                X.append(f)
                y.append(int(pos))
        if len(set(y)) < 2:
            raise ValueError("learned-speakers: the training articles have no attributed "
                             "quotes with candidate mentions")
        self.model_ = LogisticRegression(C=self.C, solver="liblinear",
                                         random_state=self.random_state)
        self.model_.fit(self._hasher().transform(X), np.asarray(y))
        return self

    def predict_article(self, article: Article) -> Article:
        from .speakers import attribute

        base = attribute(article)  # fallback and cues
        entities, heur, rows = _rows(article, {q.id: q.speaker for q in base.quotes})
        best: dict[int, tuple[float, Any, str]] = {}
        if rows:
            scores = self.model_.decision_function(self._hasher().transform([r[3] for r in rows]))
            for (i, m, eid, _), s in zip(rows, scores):
                if i not in best or s > best[i][0]:
                    best[i] = (float(s), m, eid)
        text = article.text
        out = []
        for i, q in enumerate(base.quotes):
            if i in best:
                _, m, eid = best[i]
                q = dataclasses.replace(q, speaker=eid,
                                        speaker_mention=Span(m.start, m.end, text[m.start:m.end]))
            out.append(q)
        return dataclasses.replace(article, entities=base.entities, quotes=tuple(out))

    def get_state(self):
        return pack_linear(self.model_, "lr.")

    def set_state(self, meta, arrays):
        self.model_ = unpack_linear(meta, arrays, "lr.")
