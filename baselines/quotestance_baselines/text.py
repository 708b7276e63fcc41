"""Text analysis shared by the baselines: tokens, quotation marks, sentences, reporting cues and
mention chunks. Pure functions of the article text; offsets are code points, half-open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"\w+(?:[’'\-.]\w+)*|[^\w\s]")

DOUBLE_OPEN, DOUBLE_CLOSE = "“„«", "”»"
SINGLE_OPEN, SINGLE_CLOSE = "‘‹", "’›"
QUOTE_CHARS = frozenset(DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + "\"'")
_OPEN_CONTEXT = set(" \t\n([{—–-/:") | set(DOUBLE_OPEN + SINGLE_OPEN)
_PUNCT_AFTER = set(" \t\n.,;:!?)]}—–-…") | set(DOUBLE_CLOSE + SINGLE_CLOSE + "\"'")

# Reporting cues whose complement is a clause ("said (that) ...").
SAY_VERBS = frozenset("""
said says say saying added adds adding stated states claimed claims argued argues insisted
insists noted notes warned warns explained explains announced announces confirmed confirms
denied denies wrote writes tweeted tweets acknowledged acknowledges admitted admits asserted
asserts declared declares maintained maintains reiterated reiterates suggested suggests
predicted predicts replied replies responded responds told tells conceded concedes alleged
alleges complained complains revealed reveals recalled recalls cautioned cautions vowed vows
stressed stresses emphasized emphasises emphasized emphasised underlined underlines
underscored underscores believes believed thinks thought hoped hopes posted
""".split())
# Cues whose complement may be a noun phrase ("stressed the importance of ...").
OBJECT_VERBS = frozenset("""
stressed stresses emphasized emphasised emphasizes emphasises underlined underlines underscored
underscores reiterated reiterates dismissed dismisses rejected rejects welcomed welcomes
condemned condemns denounced denounces urged urges demanded demands held holds
described describes describing accused accuses accusing calling branded brands
""".split())
CUE_VERBS = SAY_VERBS | OBJECT_VERBS
# Cues after which a clause needs "that" (an object comes first: "told reporters that").
NEEDS_THAT = frozenset("told tells".split())
PRONOUN_SUBJECTS = frozenset("he she they it we i".split())
_NOT_SUBJECT = frozenset("""
the a an and or but that which who whom whose this these those it its also then however
earlier later when while as if because after before on in at of to for with by from
""".split())
_ADVERBS = frozenset("also then later earlier again once further repeatedly previously "
                     "recently now still has had have has".split())


class Tok:
    """A token: offsets, text and lower-cased text."""

    __slots__ = ("start", "end", "text", "low")

    def __init__(self, start: int, end: int, text: str):
        self.start, self.end, self.text, self.low = start, end, text, text.lower()

    def __repr__(self) -> str:
        return f"Tok({self.start}, {self.end}, {self.text!r})"


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    """Word and punctuation tokens of ``text[start:end]`` with absolute offsets."""
    return [Tok(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, start,
                                                                        len(text) if end is None
                                                                        else end)]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line."""
    out, pos = [], 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


# -- quotation marks ------------------------------------------------------------------------

def _mark_role(text: str, i: int, para_start: int, para_end: int) -> tuple[str, str] | None:
    """(level, role) of a quotation mark: level 'd' or 's', role 'open', 'close' or 'weak'
    (a closing mark that may also be an apostrophe); None for apostrophes."""
    c = text[i]
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < para_end else " "
    if c in DOUBLE_OPEN:
        return ("d", "open")
    if c in DOUBLE_CLOSE:
        return ("d", "close")
    if c in SINGLE_OPEN:
        return ("s", "open")
    if c == '"':
        if prev in _OPEN_CONTEXT and not nxt.isspace():
            return ("d", "open")
        if not prev.isspace() and nxt in _PUNCT_AFTER:
            return ("d", "close")
        return ("d", "toggle")
    # ’ or ' : apostrophe, closing single quote, or (straight only) opening single quote
    if prev.isalnum() and nxt.isalnum():
        return None  # NATO’s, don't
    if c == "'" and prev in _OPEN_CONTEXT and (nxt.isalnum() or nxt in DOUBLE_OPEN):
        return ("s", "open")
    if prev.isspace():
        return None  # ’90s, 'em
    if nxt in _PUNCT_AFTER:
        return ("s", "weak" if prev in "sS" and nxt == " " else "close")
    return None


@dataclass(frozen=True, slots=True)
class Quoted:
    """A stretch between quotation marks (marks included)."""

    start: int
    end: int
    level: str          # 'd' double, 's' single
    closed: bool        # False when the paragraph ended before a closing mark
    nested: bool        # inside another quoted stretch


def quoted_spans(text: str) -> list[Quoted]:
    """Every quoted stretch, paired paragraph by paragraph. A quote left open at the end of a
    paragraph continues when the next paragraph opens with a quotation mark (news style for
    multi-paragraph quotes); otherwise it ends with its paragraph."""
    paras = paragraphs(text)
    found: list[Quoted] = []
    carry: list[tuple[str, int]] = []  # open marks carried into the next paragraph
    for pi, (ps, pe) in enumerate(paras):
        marks = []
        for i in range(ps, pe):
            if text[i] in QUOTE_CHARS:
                r = _mark_role(text, i, ps, pe)
                if r is not None:
                    marks.append((i, r[0], r[1]))
        stack: list[tuple[str, int]] = []
        if carry:
            # the reopening mark of this paragraph belongs to the carried quote
            if marks and marks[0][0] == ps and marks[0][2] in ("open", "toggle"):
                marks = marks[1:]
            stack = carry
            carry = []
        for k, (i, level, role) in enumerate(marks):
            if role == "toggle":
                role = "close" if any(lv == level for lv, _ in stack) else "open"
            if role == "open":
                stack.append((level, i))
                continue
            if not any(lv == level for lv, _ in stack):
                continue  # a closing mark with nothing open: apostrophe or stray mark
            if role == "weak" and any(m[1] == "s" and m[2] in ("close", "weak")
                                      for m in marks[k + 1:]):
                continue  # a possessive (leaders’ ); a later mark closes the quote
            while stack and stack[-1][0] != level:
                stack.pop()  # unclosed inner quote
            _, s = stack.pop()
            found.append(Quoted(s, i + 1, level, True, bool(stack)))
        if stack:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None and text[nxt[0]] in DOUBLE_OPEN + SINGLE_OPEN + "\"'" and \
                    stack[0][0] == ("d" if text[nxt[0]] in DOUBLE_OPEN + '"' else "s"):
                carry = stack[:1]
            else:
                for depth, (level, s) in enumerate(stack):
                    found.append(Quoted(s, pe, level, False, depth > 0))
    found.sort(key=lambda q: (q.start, -q.end))
    # recompute nesting over the whole text (multi-paragraph quotes contain later ones)
    out: list[Quoted] = []
    outer_end = -1
    for q in found:
        nested = q.start < outer_end
        out.append(Quoted(q.start, q.end, q.level, q.closed, nested))
        if not nested:
            outer_end = q.end
    return out


_DATELINE = re.compile(r"(?:[A-Z][A-Z .’'\-]{2,40}(?:,[^\n—–]{0,30}?)?(?:\s*\([A-Za-z]+\))?"
                       r"|\d{1,2}[:.]\d{2})\s*(?:--|[—–-])\s*")


def body_start(text: str, ps: int, pe: int) -> int:
    """Where a paragraph's body starts, after a dateline ("PORT ANSEL — ", "SANTA ILDE,
    April 7 (MWS) - ") or a live-blog time stamp ("10:50 — ")."""
    m = _DATELINE.match(text, ps, pe)
    return m.end() if m else ps


# -- sentences ------------------------------------------------------------------------------

_SENT_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[]?[A-Z0-9])")
_ABBREV = frozenset("mr mrs ms dr prof gen col lt sgt st no vs u.s u.k e.g i.e jan feb mar apr "
                    "jun jul aug sep sept oct nov dec".split())


def sentences(text: str, quoted: list[Quoted]) -> list[tuple[int, int]]:
    """Sentence spans. Never split inside a quoted stretch; paragraphs always split."""
    inside = [(q.start, q.end) for q in quoted if not q.nested]
    out = []
    for ps, pe in paragraphs(text):
        s = body_start(text, ps, pe)
        for m in _SENT_END.finditer(text, ps, pe):
            e = m.end()
            if any(a < m.end() < b for a, b in inside):
                continue
            word = text[max(ps, m.start() - 5):m.start()].split()[-1:] or [""]
            if word[0].lower().rstrip(".") in _ABBREV or (len(word[0]) == 1 and word[0].isupper()):
                continue
            out.append((s, e))
            s = e
            while s < pe and text[s].isspace():
                s += 1
        if s < pe:
            out.append((s, pe))
    # a multi-paragraph quote joins its paragraphs' sentences
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and any(x < merged[-1][1] and y > a for x, y in inside):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


# -- mentions -------------------------------------------------------------------------------

def subject_before(text: str, toks: list[Tok], k: int, lo: int) -> tuple[int, int] | None:
    """The noun phrase ending right before token ``k`` (a cue), not reaching before offset
    ``lo``: the words after the last clause break, minus adverbs such as 'also'."""
    j = k - 1
    while j >= 0 and toks[j].start >= lo and toks[j].low in _ADVERBS:
        j -= 1
    if j < 0 or toks[j].start < lo:
        return None
    end_tok = j
    while j >= 0 and toks[j].start >= lo:
        t = toks[j]
        if t.text in ",;:“”\"‘—–" or t.text == "-" and j > 0 and toks[j - 1].text == "-":
            break
        if t.low in ("that", "and", "but", "which", "who", "when", "while", "as", "after",
                     "because", "if") and j < end_tok:
            break
        j -= 1
    start_tok = j + 1
    if start_tok > end_tok:
        return None
    # trim a leading preposition phrase such as "On Friday" (a comma usually precedes the NP)
    span_toks = toks[start_tok:end_tok + 1]
    if len(span_toks) > 14:
        span_toks = span_toks[-6:]
    if span_toks[-1].text in ")" and len(span_toks) == 1:
        return None
    if not (span_toks[-1].text[:1].isalpha()):
        return None
    return span_toks[0].start, span_toks[-1].end


def subject_after(toks: list[Tok], k: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase right after token ``k`` (inverted "said Raisi"), up to a clause break."""
    j = k + 1
    start = j
    while j < len(toks) and toks[j].end <= hi and (toks[j].text[:1].isalnum() or
                                                   toks[j].text in "’'-()") and j - start < 10:
        if toks[j].low in ("in", "on", "at", "during", "told", "that", "adding", "who", "to"):
            break
        j += 1
    if j == start:
        return None
    return toks[start].start, toks[j - 1].end


def is_pronoun(s: str) -> bool:
    return s.lower() in PRONOUN_SUBJECTS or s.lower() in ("him", "her", "them", "us", "you")


_CAP_RUN = re.compile(r"(?:[A-Z][\w’'\-.]*(?:\s+(?:of|al|bin|de|van|von|der|la|le)\s+)?\s*)+")


def proper_names(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Runs of capitalised words (candidate names) in ``text[lo:hi]``, sentence-initial function
    words removed."""
    out = []
    for m in _CAP_RUN.finditer(text, lo, len(text) if hi is None else hi):
        s, e = m.start(), m.end()
        while e > s and (text[e - 1].isspace() or text[e - 1] in ".’'"):
            e -= 1
        words = text[s:e].split()
        while words and words[0].lower() in _NOT_SUBJECT | PRONOUN_SUBJECTS:
            s += len(words[0])
            while s < e and text[s].isspace():
                s += 1
            words = words[1:]
        if words and s < e:
            out.append((s, e))
    return out
