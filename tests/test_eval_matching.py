"""Span normalisation, tokens and one-to-one matching, including a brute-force cross-check."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotestance.evaluation.matching import (Tokens, canonical_order, iou, match_exact,
                                             match_overlap, normalise_span, prepare,
                                             token_overlap)


@pytest.mark.parametrize("raw, expected", [
    ("\u201cIt is a disaster,\u201d", "It is a disaster"),
    ('  "quoted"  ', "quoted"),
    ("\u201eNein.\u201c", "Nein"),
    ("\u00abnon\u00bb", "non"),
    ("\u300c\u306f\u3044\u300d", "\u306f\u3044"),
    ("\u2018war\u2019 \u2014", "war"),
    ("ends with U.S.", "ends with U.S"),
    ("(IAEA)", "(IAEA)"),          # brackets are kept
    ("5%", "5"),                    # % is category Po
    ("$5", "$5"),                   # symbols are kept
    ("\u201c\u201d", ""),
])
def test_normalisation_trims_whitespace_quotes_and_punctuation(raw, expected):
    text = "xx " + raw + " yy"
    s, e = normalise_span(text, 3, 3 + len(raw))
    assert text[s:e] == expected
    if not expected:
        assert s == e


def test_tokens_are_word_runs_and_ranges_cover_touching_tokens():
    text = "Iran\u2019s talks, 2022: go_on!"
    tok = Tokens(text)
    assert [text[a:b] for a, b in zip(tok.starts, tok.ends)] == \
        ["Iran", "s", "talks", "2022", "go_on"]
    assert tok.range(0, 4) == (0, 1)
    assert tok.range(2, 9) == (0, 3)       # cuts "Iran" and "talks" mid-word: both count
    assert tok.range(4, 5) == (0, 0)       # only the apostrophe: no token
    assert tok.range(5, 5) == (0, 0)


def _items(text, spans):
    return prepare(text, spans, Tokens(text))


TEXT = "one two three four five six seven eight nine ten"
W = {w: (TEXT.index(w), TEXT.index(w) + len(w)) for w in TEXT.split()}


def sp(a, b):
    return (W[a][0], W[b][1])


def test_overlap_and_iou():
    p, g = _items(TEXT, [sp("one", "four"), sp("three", "six")])
    assert token_overlap(p, g) == 2 and iou(p, g) == pytest.approx(2 / 6)


def _match(mode, pred, gold, text=TEXT):
    P, G = _items(text, pred), _items(text, gold)
    po, go = canonical_order(P, pred), canonical_order(G, gold)
    if mode == "exact":
        return sorted(match_exact(P, G, po, go))
    return sorted(match_overlap(P, G, po, go, mode))


def test_one_to_one_never_sums_overlaps():
    # one long prediction covering two gold quotes is credited once
    gold = [sp("one", "three"), sp("four", "six")]
    pred = [sp("one", "six")]
    assert len(_match("partial", pred, gold)) == 1
    assert len(_match("iou50", pred, gold)) == 1      # IoU 3/6 with each: one pair only


def test_iou_threshold_is_inclusive():
    assert _match("iou50", [sp("one", "four")], [sp("one", "two")]) == [(0, 0)]   # 2/4
    assert _match("iou50", [sp("one", "five")], [sp("one", "two")]) == []         # 2/5


def test_optimal_not_greedy():
    # greedy by largest overlap would pair p0-g1 (overlap 3) and leave g0 unmatched
    gold = [sp("one", "two"), sp("two", "five")]
    pred = [sp("one", "four"), sp("four", "six")]
    pairs = _match("partial", pred, gold)
    assert pairs == [(0, 0), (1, 1)]


def test_exact_pairs_duplicates_once():
    assert len(_match("exact", [sp("one", "two")] * 3, [sp("one", "two")] * 2)) == 2


def test_empty_after_normalisation_never_matches():
    text = "a \u201c\u201d b"
    assert _match("exact", [(2, 4)], [(2, 4)], text) == []


# ---------------------------------------------------------------- brute force

def _weights(mode, P, G):
    w = {}
    for i, p in enumerate(P):
        for j, g in enumerate(G):
            o = token_overlap(p, g)
            if o == 0:
                continue
            if mode == "partial":
                w[i, j] = o / p.n_tokens + o / g.n_tokens
            elif iou(p, g) >= 0.5:
                w[i, j] = (1000.0, iou(p, g))
    return w


def _brute_best(mode, P, G):
    """Best objective over every one-to-one matching, by enumeration."""
    w = _weights(mode, P, G)
    best = (0.0, 0.0) if mode == "iou50" else 0.0
    n = len(P)
    for k in range(0, min(len(P), len(G)) + 1):
        for ps in itertools.combinations(range(n), k):
            for gs in itertools.permutations(range(len(G)), k):
                if all((i, j) in w for i, j in zip(ps, gs)):
                    if mode == "iou50":
                        val = (float(k), sum(w[i, j][1] for i, j in zip(ps, gs)))
                    else:
                        val = sum(w[i, j] for i, j in zip(ps, gs))
                    best = max(best, val)
    return best


spans = st.lists(st.tuples(st.integers(0, 9), st.integers(1, 4)), min_size=0, max_size=4)


@settings(max_examples=150, deadline=None)
@given(pred=spans, gold=spans, mode=st.sampled_from(["partial", "iou50"]))
def test_matcher_finds_the_brute_force_optimum(pred, gold, mode):
    words = TEXT.split()

    def to_spans(xs):
        return [(W[words[a]][0], W[words[min(a + n, 10) - 1]][1]) for a, n in xs]

    P, G = _items(TEXT, to_spans(pred)), _items(TEXT, to_spans(gold))
    pairs = _match(mode, to_spans(pred), to_spans(gold))
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    w = _weights(mode, P, G)
    assert all(p in w for p in pairs)
    if mode == "iou50":
        got = (float(len(pairs)), sum(w[p][1] for p in pairs))
        best = _brute_best(mode, P, G)
        assert got[0] == best[0] and got[1] == pytest.approx(best[1])
    else:
        assert sum(w[p] for p in pairs) == pytest.approx(_brute_best(mode, P, G))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab _.\u2019\u00e9\u201c\u201d1", max_size=30),
       cuts=st.lists(st.integers(0, 30), max_size=8))
def test_fast_token_ranges_equal_full_tokenisation(text, cuts):
    pts = sorted({min(c, len(text)) for c in cuts})
    full, fast = Tokens(text), Tokens(text, pts)
    for a in pts:
        for b in pts:
            if a < b:
                assert fast.range(a, b) == full.range(a, b), (text, a, b)
