"""Speaker attribution: mentions of entities in the text, and the heuristic attributor.

The heuristic takes the subject of the reporting cue nearest each quote (the attributions the
rule extractor finds); a pronoun ("he said") or a description ("the Russian president") is
resolved to the most recent compatible named entity before it, outside quotations. A quote
with no cue of its own takes the speaker of the quote it continues, or of the previous quote
in the same or the previous paragraph.

When the article has no entities (raw text), the speakers' forms become the entities: forms
sharing their last capitalised word ("Raisi", "Iranian President Ebrahim Raisi") are one
entity named by its longest form.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from quotestance.labels import EntityType
from quotestance.records import Article, Entity, Quote, Span
from quotestance.systems import System

from .quotes_rules import Found, extract
from .text import is_pronoun, paragraphs

_PRONOUN = re.compile(r"\b(?:he|she|they|it|we|He|She|They|It|We)\b")
_COMPAT = {"he": {"person", "unnamed"}, "she": {"person", "unnamed"},
           "they": {"group", "organization", "country", "unnamed", "person"},
           "we": {"group", "organization", "country", "unnamed", "person"},
           "it": {"organization", "country", "group"}}
_STOP = frozenset("the a an of and for in on to at his her its their s".split())


def norm(s: str) -> str:
    return " ".join(s.replace("’", "'").casefold().split())


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    entity: str | None      # entity id for names and descriptions, None for pronouns
    kind: str               # 'name', 'nominal' or 'pronoun'
    in_quote: bool


class MentionIndex:
    """Every occurrence of an entity form or a pronoun in an article, in text order."""

    def __init__(self, text: str, entities: tuple[Entity, ...], quotes: tuple[Quote, ...]):
        self.text = text
        self.entities = {e.id: e for e in entities}
        self.quote_spans = [(q.start, q.end) for q in quotes]
        forms: dict[str, str] = {}
        for e in entities:
            for f in (e.name, *e.aliases):
                if f and not is_pronoun(f):
                    forms.setdefault(norm(f), e.id)
        self.forms = forms
        found: list[Mention] = []
        if forms:
            alt = "|".join(re.escape(f) for f in sorted({f for e in entities
                                                          for f in (e.name, *e.aliases) if f},
                                                         key=len, reverse=True))
            pat = re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)
            for m in pat.finditer(text):
                eid = forms.get(norm(m.group()))
                if eid is not None:
                    kind = "nominal" if m.group()[:1].islower() or \
                        norm(m.group()).split()[0] in ("the", "a", "an") else "name"
                    found.append(Mention(m.start(), m.end(), eid, kind, self._in_quote(m.start())))
        for m in _PRONOUN.finditer(text):
            found.append(Mention(m.start(), m.end(), None, "pronoun", self._in_quote(m.start())))
        found.sort(key=lambda x: (x.start, -x.end))
        self.mentions = found

    def _in_quote(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.quote_spans)

    def resolve_pronoun(self, pos: int, pronoun: str) -> str | None:
        """The most recent compatible named entity before ``pos``, outside quotations."""
        ok = _COMPAT.get(pronoun.lower(), set())
        for m in reversed(self.mentions):
            if m.start >= pos or m.entity is None or m.in_quote:
                continue
            if self.entities[m.entity].type.value in ok:
                return m.entity
        return None

    def resolve(self, start: int, end: int) -> str | None:
        """Entity of the mention ``text[start:end]`` (a name, description or pronoun)."""
        s = self.text[start:end]
        if is_pronoun(s):
            return self.resolve_pronoun(start, s)
        eid = self.forms.get(norm(s))
        if eid is not None:
            return eid
        inside = [m for m in self.mentions if start <= m.start and m.end <= end and m.entity]
        if inside:
            return max(inside, key=lambda m: (m.end - m.start, m.start)).entity
        # a description: the entity whose name, role and affiliation share most words with it
        words = {w.rstrip("s") for w in re.findall(r"\w+", s.lower())} - _STOP
        best, best_score = None, 0.0
        for e in self.entities.values():
            desc = " ".join(filter(None, (e.name, e.role, e.affiliation, *e.aliases))).lower()
            ew = {w.rstrip("s") for w in re.findall(r"\w+", desc)} - _STOP
            score = len(words & ew) + 0.001 * self._last_before(e.id, start)
            if words & ew and score > best_score:
                best, best_score = e.id, score
        return best

    def _last_before(self, eid: str, pos: int) -> int:
        return max((m.start for m in self.mentions if m.entity == eid and m.start < pos),
                   default=0) / max(1, len(self.text))


def entities_from_forms(text: str, found: list[Found]) -> tuple[Entity, ...]:
    """Entities made from the cue subjects of a raw text (no entities given)."""
    groups: dict[str, list[str]] = {}
    for f in found:
        if f.subject is None:
            continue
        form = text[f.subject[0]:f.subject[1]]
        if is_pronoun(form):
            continue
        last = form.split()[-1]
        key = last.casefold() if last[:1].isupper() else norm(form)
        if form not in groups.setdefault(key, []):
            groups[key].append(form)
    out = []
    for i, (key, forms) in enumerate(groups.items()):
        name = max(forms, key=len)
        typ = "unnamed" if name[:1].islower() or norm(name).split()[0] in ("the", "a") \
            else "person"
        out.append(Entity(id=f"s{i + 1}", name=name, type=EntityType(typ), aliases=tuple(forms), role=None,
                          affiliation=None, kb_id=None))
    return tuple(out)


def attributions(text: str, quotes: tuple[Quote, ...], found: list[Found]
                 ) -> list[Found | None]:
    """For each quote, the extracted quote (with cue and subject) it overlaps most."""
    out: list[Found | None] = []
    for q in quotes:
        best, best_ov = None, 0
        for f in found:
            ov = min(q.end, f.end) - max(q.start, f.start)
            if ov > best_ov:
                best, best_ov = f, ov
        out.append(best)
    return out


def attribute(article: Article, found: list[Found] | None = None,
              fallback: bool = True) -> Article:
    """The heuristic: fill speaker, speaker_mention and cue of every quote."""
    text = article.text
    found = extract(text) if found is None else found
    entities = article.entities or entities_from_forms(text, found)
    index = MentionIndex(text, entities, article.quotes)
    para_of = _paragraph_index(text)
    by_id: dict[str, Quote] = {}
    out: list[Quote] = []
    prev: Quote | None = None
    for q, f in zip(article.quotes, attributions(text, article.quotes, found)):
        speaker = mention = cue = None
        if f is not None and f.subject is not None:
            speaker = index.resolve(*f.subject)
            if speaker is not None:
                mention = Span(f.subject[0], f.subject[1], text[f.subject[0]:f.subject[1]])
        if f is not None and f.cue is not None:
            cue = Span(f.cue[0], f.cue[1], text[f.cue[0]:f.cue[1]])
        if speaker is None and fallback:
            cont = by_id.get(q.continues) if q.continues else None
            if cont is not None:
                speaker = cont.speaker
            elif prev is not None and prev.speaker and \
                    para_of(q.start) - para_of(prev.start) <= 1:
                speaker = prev.speaker
            else:
                speaker = index.resolve_pronoun(q.start, "they")
        new = dataclasses.replace(q, speaker=speaker, speaker_mention=mention, cue=cue)
        by_id[q.id] = new
        out.append(new)
        prev = new
    return dataclasses.replace(article, entities=entities, quotes=tuple(out))


def _paragraph_index(text: str):
    starts = [s for s, _ in paragraphs(text)]

    def para_of(pos: int) -> int:
        import bisect

        return bisect.bisect_right(starts, pos) - 1

    return para_of


class HeuristicSpeaker(System):
    """Subject of the nearest reporting cue; pronouns and descriptions resolved to the most
    recent compatible named entity."""

    name = "heuristic-speakers"
    tasks = frozenset({"speakers"})
    requires_fit = False
    param_grid = {"fallback": [True, False]}

    def __init__(self, fallback: bool = True):
        self.fallback = fallback

    def predict_article(self, article: Article) -> Article:
        return attribute(article, fallback=self.fallback)
