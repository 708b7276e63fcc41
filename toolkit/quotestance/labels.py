"""Label sets and the target-category registry, read from ``schema/`` (their only definition)."""

from __future__ import annotations

import json
from enum import Enum
from functools import lru_cache
from typing import Any

from .paths import schema_dir


@lru_cache(maxsize=None)
def label_sets() -> dict[str, tuple[str, ...]]:
    with open(schema_dir() / "labels.json", encoding="utf-8") as f:
        raw = json.load(f)
    return {k: tuple(v) for k, v in raw.items()}


@lru_cache(maxsize=None)
def target_categories() -> tuple[dict[str, Any], ...]:
    with open(schema_dir() / "target_categories.json", encoding="utf-8") as f:
        return tuple(json.load(f))


@lru_cache(maxsize=None)
def target_category_ids() -> frozenset[str]:
    return frozenset(c["id"] for c in target_categories())


class LabelEnum(str, Enum):
    """A label: compares equal to its string value and prints as it."""

    def __str__(self) -> str:
        return str(self.value)


def _enum(name: str, key: str) -> type[LabelEnum]:
    values = label_sets()[key]
    return LabelEnum(name, [(v.upper(), v) for v in values])  # type: ignore[return-value]


QuoteType = _enum("QuoteType", "quote_type")
StanceLabel = _enum("StanceLabel", "stance_label")
EntityType = _enum("EntityType", "entity_type")
Provenance = _enum("Provenance", "provenance")
Split = _enum("Split", "split")
Genre = _enum("Genre", "genre")

QUOTE_TYPES: tuple[str, ...] = label_sets()["quote_type"]
STANCE_LABELS: tuple[str, ...] = label_sets()["stance_label"]
ENTITY_TYPES: tuple[str, ...] = label_sets()["entity_type"]
PROVENANCES: tuple[str, ...] = label_sets()["provenance"]
SPLITS: tuple[str, ...] = label_sets()["split"]
GENRES: tuple[str, ...] = label_sets()["genre"]

# Pronouns that may stand as a speaker mention (resolved through ``speaker``).
PRONOUNS = frozenset(
    "he she they it we i you him her them his hers their theirs its us".split()
)
# A mention that starts with one of these is a description ("the minister", "a senior official").
DETERMINERS = ("the ", "a ", "an ", "one ", "two ", "three ", "several ", "some ", "many ",
               "other ", "another ", "both ", "its ", "his ", "her ", "their ", "our ")

# Quotation marks a direct quotation's span starts and ends with (guidelines, section 2).
OPENING_MARKS = frozenset("“\"‘'«„‹")
CLOSING_MARKS = frozenset("”\"’'»“‹›")
# ISO 8601 date or date-time, as `published` holds it.
ISO_DATE = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$"
