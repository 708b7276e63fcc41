"""Span normalisation, word tokens, and one-to-one matching of predicted to gold quotes.

Normalisation (the only one; docs/scoring.md quotes this rule)
    Before any comparison a span ``[start, end)`` is trimmed, at both ends, of every character
    that is whitespace (``str.isspace``), a quotation mark (Unicode categories Pi and Pf,
    plus ``„ ‚ 「 」 『 』 〝 〞 〟 ＂ ＇``), other punctuation
    (category Po: ``" ' , . ; : ! ? … * /`` and so on) or a dash (category Pd: ``- – —``).
    Letters, digits, symbols and brackets are never trimmed. Trimming only moves offsets, so a
    normalised span is still ``text[start:end]`` of the same article.

Tokens
    Word tokens are the maximal runs of ``\\w`` characters (Unicode letters, digits, ``_``) of the
    article text. A span's token set is the tokens that share at least one character with its
    normalised span.

Matching modes (each pairs every prediction with at most one gold quote and vice versa)
    ``exact``    normalised offsets equal. A normalised span with no characters left never
                 matches.
    ``iou50``    token IoU (|A∩B| / |A∪B|) >= 0.5; the matching with the most pairs, and among
                 those the largest total IoU.
    ``partial``  any token overlap; the matching that maximises the total proportional credit
                 Σ (|p∩g|/|p| + |p∩g|/|g|) (precision credit plus recall credit).

The optimal assignment is computed by ``scipy.optimize.linear_sum_assignment`` on each
connected component of the overlap graph (components of one pair are taken directly). Spans
are put in a canonical order first (normalised offsets, raw offsets, then a caller-given key),
so the outcome never depends on the order of the input.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

MATCH_MODES = ("exact", "iou50", "partial")

_EXTRA_QUOTES = frozenset("„‚「」『』〝〞〟＂＇")
_TRIM_CATEGORIES = frozenset(("Pi", "Pf", "Po", "Pd"))
_WORD = re.compile(r"\w+")


def is_trimmed(ch: str) -> bool:
    """True for characters that normalisation removes from the ends of a span."""
    return ch.isspace() or ch in _EXTRA_QUOTES or unicodedata.category(ch) in _TRIM_CATEGORIES


_TRIM_CACHE: dict[str, bool] = {}


def _trim(ch: str) -> bool:
    r = _TRIM_CACHE.get(ch)
    if r is None:
        r = _TRIM_CACHE[ch] = is_trimmed(ch)
    return r


def normalise_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` with trimmable characters removed at both ends.

    An all-trimmable span collapses to ``(end, end)`` (empty)."""
    while start < end and _trim(text[start]):
        start += 1
    while end > start and _trim(text[end - 1]):
        end -= 1
    if start == end:
        return end, end
    return start, end


class Tokens:
    """Word tokens of one article text, answering "which tokens share a character with
    ``[start, end)``" as a half-open range of token indices.

    ``Tokens(text)`` lists every token (ranges by binary search). ``Tokens(text, points)``
    answers only for spans whose offsets are among ``points`` and never lists the tokens: it
    counts token starts and ends between consecutive points with the regex engine, which is
    several times faster and gives the same ranges."""

    __slots__ = ("starts", "ends", "_lo", "_hi")

    def __init__(self, text: str, points: Iterable[int] | None = None):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._lo: dict[int, int] | None = None
        self._hi: dict[int, int] | None = None
        if points is None:
            for m in _WORD.finditer(text):
                a, b = m.span()
                self.starts.append(a)
                self.ends.append(b)
            return
        n = len(text)
        findall = _WORD.findall
        lo: dict[int, int] = {}
        hi: dict[int, int] = {}
        n_starts = n_ends = 0   # token starts < x, token ends <= x
        prev = 0
        for x in sorted(set(points)):
            if x > prev:
                k = len(findall(text, prev, x))
                if k:
                    n_starts += k - (prev > 0 and _word(text[prev - 1]) and _word(text[prev]))
                    n_ends += k - (x < n and _word(text[x - 1]) and _word(text[x]))
                prev = x
            lo[x] = n_ends
            hi[x] = n_starts
        self._lo, self._hi = lo, hi

    def range(self, start: int, end: int) -> tuple[int, int]:
        """Half-open range of indices of the tokens sharing a character with ``[start, end)``."""
        if start >= end:
            return 0, 0
        if self._lo is not None:
            lo, hi = self._lo[start], self._hi[end]  # type: ignore[index]
        else:
            lo = bisect_right(self.ends, start)
            hi = bisect_left(self.starts, end)
        return (lo, hi) if lo < hi else (0, 0)


def _word(ch: str) -> bool:
    return _WORD.match(ch) is not None


@dataclass(frozen=True, slots=True)
class SpanItem:
    """A span prepared for matching: normalised offsets and its token range."""

    start: int
    end: int
    tok_lo: int
    tok_hi: int

    @property
    def n_tokens(self) -> int:
        return self.tok_hi - self.tok_lo


def prepare(text: str, spans: Sequence[tuple[int, int]], tokens: Tokens | None) -> list[SpanItem]:
    out = []
    for s, e in spans:
        ns, ne = normalise_span(text, s, e)
        lo, hi = tokens.range(ns, ne) if tokens is not None else (0, 0)
        out.append(SpanItem(ns, ne, lo, hi))
    return out


def prepare_sides(text: str, pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]],
                  with_tokens: bool) -> tuple[list[SpanItem], list[SpanItem]]:
    """Normalise both sides and give them token ranges from one shared ``Tokens``."""
    npred = [normalise_span(text, s, e) for s, e in pred]
    ngold = [normalise_span(text, s, e) for s, e in gold]
    if not with_tokens:
        return ([SpanItem(s, e, 0, 0) for s, e in npred],
                [SpanItem(s, e, 0, 0) for s, e in ngold])
    tok = Tokens(text, [x for se in npred + ngold for x in se])
    return ([SpanItem(s, e, *tok.range(s, e)) for s, e in npred],
            [SpanItem(s, e, *tok.range(s, e)) for s, e in ngold])


def token_overlap(a: SpanItem, b: SpanItem) -> int:
    return max(0, min(a.tok_hi, b.tok_hi) - max(a.tok_lo, b.tok_lo))


def iou(a: SpanItem, b: SpanItem) -> float:
    inter = token_overlap(a, b)
    if inter == 0:
        return 0.0
    return inter / (a.n_tokens + b.n_tokens - inter)


def canonical_order(items: Sequence[SpanItem], raw: Sequence[tuple[int, int]],
                    key: Callable[[int], object] | None = None) -> list[int]:
    """Indices of ``items`` sorted by normalised offsets, raw offsets, then ``key(i)``."""
    if key is None:
        return sorted(range(len(items)), key=lambda i: (items[i].start, items[i].end, raw[i]))
    return sorted(range(len(items)),
                  key=lambda i: (items[i].start, items[i].end, raw[i], key(i)))


def match_exact(pred: Sequence[SpanItem], gold: Sequence[SpanItem],
                pred_order: Sequence[int], gold_order: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs (pred index, gold index) with equal, non-empty normalised offsets.

    Identical spans pair up in canonical order."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for j in gold_order:
        g = gold[j]
        if g.start < g.end:
            by_span.setdefault((g.start, g.end), []).append(j)
    pairs = []
    taken: dict[tuple[int, int], int] = {}
    for i in pred_order:
        p = pred[i]
        k = (p.start, p.end)
        js = by_span.get(k)
        if js:
            n = taken.get(k, 0)
            if n < len(js):
                pairs.append((i, js[n]))
                taken[k] = n + 1
    return pairs


def _candidates(pred: Sequence[SpanItem], gold: Sequence[SpanItem],
                pred_order: Sequence[int], gold_order: Sequence[int]
                ) -> list[tuple[int, int, int]]:
    """(pred, gold, overlap) for every pair sharing a token, by a sweep over token ranges."""
    gs = sorted((gold[j].tok_lo, gold[j].tok_hi, r, j) for r, j in enumerate(gold_order)
                if gold[j].n_tokens > 0)
    out = []
    for i in pred_order:
        p = pred[i]
        if p.n_tokens == 0:
            continue
        for lo, hi, _, j in gs:
            if lo >= p.tok_hi:
                break
            if hi > p.tok_lo:
                out.append((i, j, min(hi, p.tok_hi) - max(lo, p.tok_lo)))
    return out


def match_overlap(pred: Sequence[SpanItem], gold: Sequence[SpanItem],
                  pred_order: Sequence[int], gold_order: Sequence[int], mode: str
                  ) -> list[tuple[int, int]]:
    """One-to-one pairs for the ``iou50`` or ``partial`` mode (see the module docstring)."""
    cands = _candidates(pred, gold, pred_order, gold_order)
    if mode == "iou50":
        big = min(len(pred), len(gold)) + 1.0
        weighted = []
        for i, j, o in cands:
            v = o / (pred[i].n_tokens + gold[j].n_tokens - o)
            if v >= 0.5:
                weighted.append((i, j, big + v))
    elif mode == "partial":
        weighted = [(i, j, o / pred[i].n_tokens + o / gold[j].n_tokens) for i, j, o in cands]
    else:
        raise ValueError(f"The 'mode' parameter must be one of {{'iou50', 'partial'}}. "
                         f"Got {mode!r} instead.")
    return assign(weighted, pred_order, gold_order)


def assign(weighted: list[tuple[int, int, float]], pred_order: Sequence[int],
           gold_order: Sequence[int]) -> list[tuple[int, int]]:
    """A one-to-one subset of the candidate pairs with the largest total weight."""
    if not weighted:
        return []
    pdeg: dict[int, int] = {}
    gdeg: dict[int, int] = {}
    for i, j, _ in weighted:
        pdeg[i] = pdeg.get(i, 0) + 1
        gdeg[j] = gdeg.get(j, 0) + 1
    pairs = [(i, j) for i, j, _ in weighted if pdeg[i] == 1 and gdeg[j] == 1]
    rest = [(i, j, w) for i, j, w in weighted if not (pdeg[i] == 1 and gdeg[j] == 1)]
    if rest:
        pairs += _assign_components(rest, pred_order, gold_order)
    return pairs


def _assign_components(weighted: list[tuple[int, int, float]], pred_order: Sequence[int],
                       gold_order: Sequence[int]) -> list[tuple[int, int]]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    # union-find over pred nodes ("p", i) and gold nodes ("g", j)
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in weighted:
        a, b = find(("p", i)), find(("g", j))
        if a != b:
            parent[a] = b
    comps: dict[tuple[str, int], list[tuple[int, int, float]]] = {}
    for i, j, w in weighted:
        comps.setdefault(find(("p", i)), []).append((i, j, w))
    prank = {i: r for r, i in enumerate(pred_order)}
    grank = {j: r for r, j in enumerate(gold_order)}
    out = []
    for edges in comps.values():
        ps = sorted({i for i, _, _ in edges}, key=prank.__getitem__)
        gs = sorted({j for _, j, _ in edges}, key=grank.__getitem__)
        pi = {i: r for r, i in enumerate(ps)}
        gi = {j: r for r, j in enumerate(gs)}
        m = np.zeros((len(ps), len(gs)))
        ok = np.zeros((len(ps), len(gs)), dtype=bool)
        for i, j, w in edges:
            m[pi[i], gi[j]] = w
            ok[pi[i], gi[j]] = True
        rows, cols = linear_sum_assignment(m, maximize=True)
        out += [(ps[r], gs[c]) for r, c in zip(rows, cols) if ok[r, c]]
    return out
