"""Findings of the validator and readers, and the catalogue of their rule ids."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# rule id -> (level, explanation). One invalid fixture per id lives in tests/fixtures/invalid/.
RULES: dict[str, tuple[str, str]] = {
    "encoding.utf8": ("error", "The file is not valid UTF-8. Re-save it as UTF-8."),
    "encoding.bom": ("error", "A UTF-8 byte-order mark precedes the first line. JSONL files are "
                              "UTF-8 without BOM."),
    "format.crlf": ("error", "A line ends with CR LF. Use LF (\\n) line ends."),
    "format.blank-line": ("error", "A line is empty or only whitespace. Every line holds one "
                                   "JSON object."),
    "format.truncated": ("error", "The last line has no line end and is not complete JSON: the "
                                  "file was probably cut off while being written."),
    "format.empty-file": ("error", "The file holds no line at all."),
    "json.invalid": ("error", "The line is not valid JSON."),
    "json.not-object": ("error", "The line is valid JSON but not an object."),
    "json.nan": ("error", "NaN, Infinity and -Infinity are not JSON."),
    "json.duplicate-key": ("error", "An object has the same key twice."),
    "json.big-int": ("error", "An integer does not fit in 64 bits."),
    "json.too-deep": ("error", "The JSON nests too deep to parse."),
    "json.surrogate": ("error", "A string holds an unpaired UTF-16 surrogate."),
    "field.missing": ("error", "A required field is missing. Every field of the format is "
                               "present in every record; use null where the format allows it."),
    "field.unknown": ("error", "A field that the format does not define (a typo, or a field "
                               "of another format)."),
    "field.type": ("error", "A field has the wrong JSON type (see schema/FORMAT.md)."),
    "field.empty": ("error", "A required string is empty."),
    "label.unknown": ("error", "A label is not in its label set (schema/labels.json)."),
    "category.unknown": ("error", "A target category is not in schema/target_categories.json."),
    "span.bounds": ("error", "An offset lies outside the article text. Offsets are code points "
                             "(not bytes, not UTF-16 units) into `text`."),
    "span.order": ("error", "A span has start >= end."),
    "span.text": ("error", "A span's `text` differs from text[start:end]: the offsets or the "
                           "text are wrong (often UTF-16 or byte offsets from another tool)."),
    "id.duplicate": ("error", "Two entities, targets or quotes of one article share an id."),
    "article.duplicate-id": ("error", "Two articles share an id."),
    "ref.speaker": ("error", "A quote's speaker is not an entity id of the article."),
    "ref.target": ("error", "A stance names a target id the article does not define."),
    "ref.continues": ("error", "`continues` names a quote id the article does not define."),
    "continues.cycle": ("error", "`continues` links form a cycle."),
    "stance.duplicate": ("error", "A quote has two stances toward the same target."),
    "mention.without-speaker": ("error", "A quote has a speaker mention but no speaker."),
    "mention.alias": ("warning", "A speaker mention is neither the entity's name, one of its "
                                 "aliases, a pronoun, nor a description starting with a "
                                 "determiner. Add the form to `aliases`."),
    "mention.inside-quote": ("warning", "A speaker mention or cue lies inside its quote."),
    "quote.direct-marks": ("warning", "A direct quotation's span should run from its opening "
                                      "quotation mark to its closing one (guidelines 2)."),
    "continues.speaker": ("warning", "The parts of a split quotation should have the same "
                                     "speaker (guidelines 2)."),
    "published.format": ("error", "`published` is not an ISO 8601 date or date-time "
                                  "(YYYY-MM-DD, optionally THH:MM[:SS][Z|+HH:MM])."),
    "kb.unknown": ("error", "A QSW: kb_id is not in corpus/world/registry.jsonl."),
    "corpus.split-mismatch": ("error", "An article's `split` differs from the split its file "
                                       "holds."),
    "corpus.missing-split": ("error", "A split file of the corpus is missing."),
    "corpus.leak": ("error", "The same or nearly the same article text is in two splits."),
    "corpus.checksum": ("error", "A corpus file differs from the checksum in MANIFEST.sha256."),
    "corpus.manifest": ("error", "MANIFEST.sha256 is missing or lists files that do not exist."),
    "corpus.interrupted": ("error", "A corpus command was killed while committing; "
                                    "`quotestance corpus recover` finishes its commit."),
}


@dataclass(frozen=True, slots=True)
class Incident:
    """One finding: level, stable rule id, where, and a message quoting the offending value."""

    level: str
    rule: str
    path: str
    line: int
    message: str
    json_path: str = ""
    article_id: str | None = None

    @classmethod
    def error(cls, rule: str, path: str, line: int, message: str, json_path: str = "",
              article_id: str | None = None) -> "Incident":
        return cls(RULES[rule][0], rule, path, line, message, json_path, article_id)

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        jp = f" [{self.json_path}]" if self.json_path else ""
        return f"{where}: {self.level} {self.rule}: {self.message}{jp}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
