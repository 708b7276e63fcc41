"""Rule-based quotation extractor.

Direct quotes are stretches between quotation marks (curly or straight, double or single; an
apostrophe such as “NATO’s” is never a mark) that read as speech: they carry an attribution
(“…,” he said / X said: “…”), end with punctuation inside the marks, or open their sentence.
Short quoted phrases with no cue nearby are scare quotes and are dropped. A quote split by its
attribution (“A,” he said, “B.”) gives two quotes, the second ``continues`` the first; a quote
left open at a paragraph end and reopened in the next paragraph is one span.

Indirect quotes are the clause after a reporting cue (“X said (that) …”, “told Y that …”,
“according to X, …”) or before a final attribution (“…, he added.”), up to the final full stop;
a clause holding a quoted fragment is ``mixed``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from quotestance.labels import QuoteType
from quotestance.records import Article, Quote
from quotestance.systems import System

from .text import (CUE_VERBS, NEEDS_THAT, OBJECT_VERBS, SAY_VERBS, Quoted, Tok, quoted_spans,
                   sentences, subject_after, subject_before, tokenize)

_PREPS = frozenset("in on at during after before to late early earlier later last this "
                   "yesterday today tonight monday tuesday wednesday thursday friday saturday "
                   "sunday".split())


@dataclass(frozen=True, slots=True)
class Found:
    """A quote found in the text, with the attribution the rules saw."""

    start: int
    end: int
    type: str
    cue: tuple[int, int] | None = None
    subject: tuple[int, int] | None = None
    continues: int | None = None  # index of the quote this one continues


def _strip_end(text: str, s: int, e: int) -> int:
    while e > s and (text[e - 1].isspace() or text[e - 1] in ".;:"):
        e -= 1
    return e


def _strip_start(text: str, s: int, e: int) -> int:
    while s < e and (text[s].isspace() or text[s] in ",;:"):
        s += 1
    return s


def _is_cue(toks: list[Tok], k: int, object_cues: bool) -> bool:
    low = toks[k].low
    if low not in CUE_VERBS:
        return False
    if low in OBJECT_VERBS and low not in SAY_VERBS and not object_cues:
        return False
    return True


def _according_to(toks: list[Tok], k: int) -> bool:
    return toks[k].low == "according" and k + 1 < len(toks) and toks[k + 1].low == "to"


def extract(text: str, *, object_cues: bool = True, scare_max_words: int = 4) -> list[Found]:
    """All quotes of an article text, in text order."""
    quoted = quoted_spans(text)
    top = [q for q in quoted if not q.nested]
    toks = tokenize(text)
    found: list[Found] = []
    used_quotes: set[int] = set()          # indexes into ``top`` absorbed or attributed
    attributed: dict[int, tuple] = {}
    ti = qi = 0
    for ss, se in sentences(text, quoted):
        while ti < len(toks) and toks[ti].start < ss:
            ti += 1
        k0 = ti
        k1 = k0
        while k1 < len(toks) and toks[k1].end <= se:
            k1 += 1
        st = range(k0, k1)
        while qi < len(top) and top[qi].start < ss:
            qi += 1
        qj = qi
        while qj < len(top) and top[qj].start < se:
            qj += 1
        sq = list(range(qi, qj))
        spans = [(top[i].start, top[i].end) for i in range(max(0, qi - 1), qj)]

        def in_quote(pos: int) -> bool:
            return any(a <= pos < b for a, b in spans)

        cues = [k for k in st if (toks[k].low in CUE_VERBS or toks[k].low == "according")
                and (_is_cue(toks, k, object_cues) or _according_to(toks, k))
                and not in_quote(toks[k].start)]
        # 1. attributions of direct quotes: “…,” he said / said X, and X said: “…”
        for i in sq:
            q = top[i]
            after = [k for k in cues if toks[k].start >= q.end]
            if after:
                k = after[0]
                gap = [t for t in toks[k0:k1] if q.end <= t.start < toks[k].start]
                if len(gap) <= 9 and not any(t.text in "“”\"" for t in gap) and \
                        not _according_to(toks, k):
                    subj = subject_before(text, toks, k, q.end) if gap else \
                        subject_after(toks, k, se)
                    attributed[i] = ((toks[k].start, toks[k].end), subj)
                    continue
            before = [k for k in cues if toks[k].end <= q.start]
            if before:
                k = before[-1]
                gap = [t for t in toks[k0:k1] if toks[k].end <= t.start < q.start]
                if len(gap) <= 4 and (not gap or gap[-1].text in ":,") and \
                        toks[k].low not in OBJECT_VERBS - SAY_VERBS:
                    attributed[i] = ((toks[k].start, toks[k].end),
                                     subject_before(text, toks, k, ss))
                    continue
            pre = text[max(ss, q.start - 3):q.start].strip()
            if pre.endswith(":") and q.start > ss:
                # colon attribution: Rell: “No.”
                attributed[i] = (None, None)
        cue_used = {c[0] for c, _ in attributed.values() if c}
        # 2. indirect clauses
        free = [k for k in cues if toks[k].start not in cue_used]
        clauses = []
        fa = _final_attribution(text, toks, k0, k1, ss, se, free, top, sq)
        if fa is not None:
            clauses.append(fa)
        else:
            pos = -1
            for n, k in enumerate(free):
                if toks[k].start < pos:
                    continue
                c = _clause_after(text, toks, k, k0, k1, ss, se)
                if c is None:
                    continue
                cs, ce, cue, subj = c
                for k2 in free[n + 1:]:
                    if cs < toks[k2].start < ce:
                        commas = [j for j in range(max(k + 1, k2 - 5), k2)
                                  if toks[j].text == "," or toks[j].low in ("but", "and")
                                  and j >= k2 - 2]
                        if commas:
                            ce = _strip_end(text, cs, toks[commas[-1]].start)
                            break
                pos = ce
                clauses.append((cs, ce, cue, subj))
        for cs, ce, cue, subj in clauses:
            inner = [i for i in sq if cs <= top[i].start and top[i].end <= ce + 1]
            starts_quoted = any(top[i].start == cs and top[i].end >= ce - 1 for i in inner)
            if not starts_quoted and ce > cs:
                for i in inner:
                    used_quotes.add(i)
                ce2 = max([ce] + [top[i].end for i in inner])
                found.append(Found(cs, ce2, "mixed" if inner else "indirect", cue, subj))
        # 3. direct quotes
        for i in sq:
            if i in used_quotes:
                continue
            q = top[i]
            words = len(text[q.start + 1:q.end - 1].split())
            inner = text[q.start + 1:q.end - 1].rstrip()
            full = inner[-1:] in (".", ",", "?", "!", "…", "—", "-") or not q.closed
            opens = q.start == ss and words > scare_max_words
            if i in attributed or full or opens or words > 2 * scare_max_words + 4:
                cue, subj = attributed.get(i, (None, None))
                found.append(Found(q.start, q.end, "direct", cue, subj))
                used_quotes.add(i)
    found += _headlines(text, top, used_quotes)
    found.sort(key=lambda f: (f.start, f.end))
    return _link_continuations(text, found)


def _headlines(text: str, top: list[Quoted], used: set[int]) -> list[Found]:
    """A title-case line without a final full stop holding a quoted fragment (“NATO’s
    Expansion ‘Serious Threat’”) is a headline quote: the whole line, mixed."""
    from .text import paragraphs

    out = []
    for ps, pe in paragraphs(text):
        line = text[ps:pe]
        words = [w for w in line.split() if w[:1].isalpha() or w[:1] in "“‘\"'"]
        if not words or len(words) > 16 or line.rstrip()[-1:] in ".?!:":
            continue
        caps = sum(1 for w in words if w.lstrip("“‘\"'")[:1].isupper())
        inner = [i for i, q in enumerate(top) if ps <= q.start and q.end <= pe and i not in used]
        if inner and caps >= 0.7 * len(words) and not any(
                top[i].start == ps and top[i].end == pe for i in inner):
            used.update(inner)
            out.append(Found(ps, pe, "mixed"))
    return out


def _final_attribution(text, toks, k0, k1, ss, se, cues, top, sq):
    """“Clause, he added.” / “Clause, according to X.”: the reported clause opens the
    sentence and a short attribution closes it."""
    for k in cues:
        tail = [t for t in toks[k:k1] if t.text not in ".!?"]
        if len(tail) > 7 and not _according_to(toks, k):
            continue
        # the attribution starts after the last comma before the cue
        comma = None
        for j in range(k - 1, max(k0, k - 9) - 1, -1):
            if toks[j].text == ",":
                comma = j
                break
        if comma is None or comma == k0:
            continue
        if any(top[i].start == ss for i in sq):
            return None  # “…,” he said. is a direct quote
        if _according_to(toks, k):
            subj = subject_after(toks, k + 1, se)
        else:
            between = toks[comma + 1:k]
            subj = (between[0].start, between[-1].end) if between else \
                subject_after(toks, k, se)
        cs, ce = ss, toks[comma].start
        return cs, ce, (toks[k].start, toks[k + 1].end if _according_to(toks, k)
                        else toks[k].end), subj
    return None


def _clause_after(text, toks, k, k0, k1, ss, se):
    """The reported clause after the cue at token ``k``, or None."""
    if _according_to(toks, k):
        if k == k0 or (k == k0 + 1 and toks[k0].text in "(—"):
            for j in range(k + 2, k1):
                if toks[j].text == ",":
                    cs = _strip_start(text, toks[j].end, se)
                    return cs, _strip_end(text, cs, se), (toks[k].start, toks[k + 1].end), \
                        subject_after(toks, k + 1, toks[j].start)
        return None
    low = toks[k].low
    if k == k0 or k + 1 >= k1:
        return None
    subj = subject_before(text, toks, k, ss)
    if subj is None:
        if toks[k - 1].text != ",":
            return None
        # "Morant, who trails ..., said": the subject opens the sentence
        j = k0
        while j < k and toks[j].text not in ",(—–":
            j += 1
        subj = (toks[k0].start, toks[j - 1].end) if j > k0 else None
    nxt = toks[k + 1]
    if nxt.text in ",.:;“”\"‘’'!?(—–-" or nxt.low in ("to", "by", "it"):
        return None
    if low == "held" and not any(t.low == "responsible" for t in toks[k:k1]):
        return None
    cs = None
    limit = 20 if low in NEEDS_THAT else 8
    if nxt.low == "that":
        cs = nxt.end
    elif low in NEEDS_THAT or nxt.low in _PREPS:
        for j in range(k + 1, min(k1, k + 1 + limit)):
            if toks[j].text in ",“\"":
                break
            if toks[j].low == "that":
                cs = toks[j].end
                break
        if cs is None:
            return None  # "told reporters.", "said in a statement."
    if cs is None:
        cs = nxt.start
    cs = _strip_start(text, cs, se)
    return cs, _strip_end(text, cs, se), (toks[k].start, toks[k].end), subj


def _link_continuations(text: str, found: list[Found]) -> list[Found]:
    """“A,” he said, “B.”: B continues A."""
    out = list(found)
    for i in range(1, len(out)):
        a, b = out[i - 1], out[i]
        if a.type == b.type == "direct" and a.cue is not None and b.cue in (None, a.cue):
            gap = text[a.end:b.start]
            if "\n" not in gap and gap.rstrip().endswith(",") and len(gap) < 80 and \
                    text[a.end - 2:a.end - 1] in (",", "—", "-"):
                out[i] = dataclasses.replace(b, cue=a.cue, subject=a.subject, continues=i - 1)
    return out


def to_quotes(text: str, found: list[Found]) -> tuple[Quote, ...]:
    out = []
    for i, f in enumerate(found):
        out.append(Quote(id=f"q{i + 1}", start=f.start, end=f.end, text=text[f.start:f.end],
                         type=QuoteType(f.type), speaker=None, speaker_mention=None, cue=None,
                         continues=None if f.continues is None else f"q{f.continues + 1}",
                         stances=()))
    return tuple(out)


class RuleQuoteExtractor(System):
    """Quotation marks + reporting-cue rules; nothing to learn."""

    name = "rules-quotes"
    tasks = frozenset({"quotes"})
    requires_fit = False
    param_grid = {"object_cues": [True, False]}

    def __init__(self, object_cues: bool = True, scare_max_words: int = 4):
        self.object_cues = object_cues
        self.scare_max_words = scare_max_words

    def find(self, text: str) -> list[Found]:
        return extract(text, object_cues=self.object_cues, scare_max_words=self.scare_max_words)

    def predict_article(self, article: Article) -> Article:
        return dataclasses.replace(article, quotes=to_quotes(article.text, self.find(article.text)))
