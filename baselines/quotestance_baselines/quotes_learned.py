"""Learned quotation extractor: token classification with a linear SVM (one-vs-rest).

Each token is tagged B (first token of a quote), I (inside) or O from simple local features:
the word and its shape, its neighbours, whether it lies between quotation marks, whether a
reporting cue or "that"/"according to" comes shortly before it in its sentence, and where it
sits in its sentence. Quotes are the runs B I* (or I+); a run with quotation marks at both ends
is direct, one holding a mark is mixed, the rest indirect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from quotestance.records import Article
from quotestance.systems import System, pack_linear, unpack_linear

from .quotes_rules import Found, to_quotes
from .text import CUE_VERBS, QUOTE_CHARS, quoted_spans, sentences, tokenize

N_FEATURES = 2 ** 16
NL = "\n"


def _shape(w: str) -> str:
    if w in QUOTE_CHARS:
        return "Q"
    if w[:1].isupper():
        return "Xx" if w[1:].islower() else "X"
    if w[:1].isdigit():
        return "d"
    if w[:1].isalpha():
        return "x"
    return w


def token_features(text: str) -> tuple[list, list[list[str]]]:
    """Tokens of ``text`` and the feature strings of each."""
    toks = tokenize(text)
    quoted = [q for q in quoted_spans(text) if not q.nested]
    sents = sentences(text, quoted)
    feats: list[list[str]] = []
    qi = si = 0
    last_cue = -100
    last_that = -100
    sent_start_tok = 0
    for i, t in enumerate(toks):
        while si < len(sents) and sents[si][1] <= t.start:
            si += 1
        if si < len(sents) and i > 0 and toks[i - 1].end <= sents[si][0] <= t.start:
            sent_start_tok = i
            last_cue = last_that = -100
        while qi < len(quoted) and quoted[qi].end <= t.start:
            qi += 1
        inside = qi < len(quoted) and quoted[qi].start <= t.start
        low = t.low
        prev = toks[i - 1].low if i else "<s>"
        nxt = toks[i + 1].low if i + 1 < len(toks) else "</s>"
        pos = i - sent_start_tok
        f = [f"w={low}", f"s={_shape(t.text)}", f"p={prev}", f"n={nxt}",
             f"p2={toks[i - 2].low if i > 1 else '<s>'}",
             f"n2={toks[i + 2].low if i + 2 < len(toks) else '</s>'}",
             f"inq={int(inside)}", f"pos={min(pos, 6)}",
             f"cue_dist={min(i - last_cue, 8) if last_cue >= 0 else 'none'}",
             f"that_dist={min(i - last_that, 6) if last_that >= 0 else 'none'}",
             f"inq|s={int(inside)}|{_shape(t.text)}",
             f"qstart={int(inside and quoted[qi].start == t.start)}",
             f"qend={int(inside and quoted[qi].end == t.end)}",
             f"nl_before={int(i == 0 or NL in text[toks[i - 1].end:t.start])}"]
        feats.append(f)
        if low in CUE_VERBS or low == "to" and prev == "according":
            last_cue = i
        if low == "that" and last_cue >= 0:
            last_that = i
    return toks, feats


def _tags(toks, quotes) -> list[str]:
    tags = ["O"] * len(toks)
    j = 0
    for q in sorted(quotes, key=lambda q: q.start):
        first = True
        while j < len(toks) and toks[j].start < q.start:
            j += 1
        k = j
        while k < len(toks) and toks[k].end <= q.end:
            tags[k] = "B" if first else "I"
            first = False
            k += 1
    return tags


def decode(text: str, toks, tags) -> list[Found]:
    """Quotes from token tags: each run B I* or I+ of at least three tokens."""
    runs, start = [], None
    for i, tag in enumerate(tags):
        if start is not None and tag != "I":
            runs.append((start, i))
            start = None
        if tag in ("B", "I") and start is None:
            start = i
    if start is not None:
        runs.append((start, len(tags)))
    out: list[Found] = []
    for a, b in runs:
        s, e = toks[a].start, toks[b - 1].end
        while e > s and text[e - 1] in ".;: ":
            e -= 1
        if b - a < 3 or e <= s:
            continue
        span = text[s:e]
        if span[0] in QUOTE_CHARS and span[-1] in QUOTE_CHARS:
            typ = "direct"
        elif any(c in QUOTE_CHARS for c in span if c not in "’'"):
            typ = "mixed"
        else:
            typ = "indirect"
        out.append(Found(s, e, typ))
    return out


class LearnedQuoteExtractor(System):
    """Linear token tagger (B/I/O, one-vs-rest linear SVM) over local features."""

    name = "learned-quotes"
    tasks = frozenset({"quotes"})
    param_grid = {"C": [0.1, 1.0]}

    def __init__(self, C: float = 1.0, random_state: int = 0):
        self.C = C
        self.random_state = random_state

    @staticmethod
    def _hasher():
        from sklearn.feature_extraction import FeatureHasher

        return FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)

    def fit(self, articles: Sequence[Article]) -> "LearnedQuoteExtractor":
        from sklearn.svm import LinearSVC

        X, y = [], []
        for a in articles:
            toks, feats = token_features(a.text)
            X += feats
            y += _tags(toks, a.quotes)
        if len(set(y)) < 2:
            raise ValueError("learned-quotes: the training articles hold no quotes")
        self.model_ = LinearSVC(C=self.C, random_state=self.random_state, max_iter=5000)
        self.model_.fit(self._hasher().transform(X), np.asarray(y))
        return self

    def predict_article(self, article: Article) -> Article:
        toks, feats = token_features(article.text)
        tags = self.model_.predict(self._hasher().transform(feats)) if toks else []
        return dataclasses.replace(article, quotes=to_quotes(article.text,
                                                             decode(article.text, toks, tags)))

    def get_state(self):
        return pack_linear(self.model_, "lr.")

    def set_state(self, meta, arrays):
        self.model_ = unpack_linear(meta, arrays, "lr.")
