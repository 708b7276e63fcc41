"""Typed records of the article format: the one definition of the corpus contract.

The JSON Schema in ``schema/article.schema.json``, the Hugging Face ``Features`` and the field
table in ``schema/FORMAT.md`` are all generated from these dataclasses (see ``format.py``) and
tests fail when a generated file drifts from them. Label sets come from ``schema/labels.json``.

Offsets are Python string offsets (Unicode code points), half-open: ``text[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, Optional

from .labels import EntityType, Genre, Provenance, QuoteType, Split, StanceLabel


def doc(text: str, **extra: Any) -> Any:
    """Field metadata: the description used in the JSON Schema and the docs table."""
    return field(metadata={"doc": text, **extra})


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the article text."""

    start: int = doc("Offset of the first code point, 0-based.")
    end: int = doc("Offset one past the last code point (half-open).")
    text: str = doc("Must equal the article's text[start:end].")


@dataclass(frozen=True, slots=True)
class Entity:
    """A source or other participant of the article."""

    id: str = doc("Unique within the article (e.g. e1).")
    name: str = doc("Canonical name (the world registry's name when it has one).")
    type: EntityType = doc("Kind of entity.")
    aliases: tuple[str, ...] = doc("Every non-pronoun surface form used for it in this article.")
    role: Optional[str] = doc("Role or title, e.g. 'Foreign Minister of Calvera'.")
    affiliation: Optional[str] = doc("Organisation or state the entity belongs to.")
    kb_id: Optional[str] = doc(
        "Stable cross-article id: a Wikidata QID for real people, a world registry id "
        "(QSW:...) for constructed ones; null if none."
    )


@dataclass(frozen=True, slots=True)
class Target:
    """Something a quotation can take a stance toward, named as the article frames it."""

    id: str = doc("Unique within the article (e.g. t1).")
    name: str = doc("The target as the article frames it.")
    category: Optional[str] = doc("Id from schema/target_categories.json, or null.")


@dataclass(frozen=True, slots=True)
class Stance:
    """The stance a quotation takes toward one target."""

    target: str = doc("Id of a target of the article.")
    label: StanceLabel = doc("Stance of the quotation toward the target.")


@dataclass(frozen=True, slots=True)
class Quote:
    """A reported quotation with its speaker and stances."""

    id: str = doc("Unique within the article (e.g. q1).")
    start: int = doc("Offset of the quotation's first code point.")
    end: int = doc("Offset one past its last code point.")
    text: str = doc("Must equal the article's text[start:end].")
    type: QuoteType = doc("direct (in quotation marks), indirect, or mixed.")
    speaker: Optional[str] = doc("Entity id of the source, or null when unattributed.")
    speaker_mention: Optional[Span] = doc(
        "The mention attributing the quote (a name, description or pronoun), or null."
    )
    cue: Optional[Span] = doc("The reporting verb or phrase ('said', 'according to'), or null.")
    continues: Optional[str] = doc(
        "Id of the quote this one continues (a quote split by its attribution), or null."
    )
    stances: tuple[Stance, ...] = doc("Stance toward each target the quotation addresses.")


@dataclass(frozen=True, slots=True)
class Annotation:
    """Who annotated the article and under which guidelines."""

    guidelines: str = doc("Version of schema/guidelines.md used.")
    annotators: tuple[str, ...] = doc("Annotator ids.")
    notes: Optional[str] = doc("Free-text notes.")


@dataclass(frozen=True, slots=True)
class Article:
    """One news article with its gold labels (one JSON object per JSONL line)."""

    id: str = doc("Unique across the corpus.")
    text: str = doc("The article exactly as published, headline included; offsets index into it.")
    title: str = doc("Headline.")
    outlet: Optional[str] = doc("Publishing outlet, or null when it cannot be verified.")
    published: Optional[str] = doc("Publication date or time, ISO 8601, or null.")
    language: str = doc("BCP 47 language tag, e.g. en.")
    url: Optional[str] = doc("Source URL, or null.")
    source_id: Optional[str] = doc("Identifier of the article at its source, or null.")
    provenance: Provenance = doc("real (published news) or constructed (written for the corpus).")
    split: Optional[Split] = doc("train, validation or test; required in the shipped corpus.")
    genre: Optional[Genre] = doc("News genre, or null.")
    entities: tuple[Entity, ...] = doc("Sources and other participants.")
    targets: tuple[Target, ...] = doc("Stance targets.")
    quotes: tuple[Quote, ...] = doc("Quotations in text order.")
    annotation: Annotation = doc("Annotation metadata.")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        """Build a record from a dict that passed the validator."""
        return _build(cls, d)

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)


RECORD_TYPES = (Span, Entity, Target, Stance, Quote, Annotation, Article)


def canonical(d: dict[str, Any]) -> dict[str, Any]:
    """A valid article dict with its keys in the format's order (how files are written)."""
    return Article.from_dict(d).to_dict()


def _build(cls: type, d: dict[str, Any]) -> Any:
    from .format import field_kinds

    kwargs = {}
    for name, kind in field_kinds(cls):
        v = d.get(name)
        kwargs[name] = _convert(kind, v)
    return cls(**kwargs)


def _convert(kind: tuple, v: Any) -> Any:
    tag = kind[0]
    if tag == "opt":
        return None if v is None else _convert(kind[1], v)
    if v is None:
        return () if tag == "list" else None
    if tag == "list":
        return tuple(_convert(kind[1], x) for x in v)
    if tag == "record":
        return _build(kind[1], v)
    if tag == "enum":
        return kind[1](v)
    return v


def _dump(obj: Any) -> Any:
    if isinstance(obj, tuple):
        return [_dump(x) for x in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _dump(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    return obj
