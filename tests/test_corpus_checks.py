"""Corpus-folder checks: splits, leakage, registry ids, views and the checksum manifest."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from quotestance.corpus_checks import render_manifest, validate_corpus, write_views_and_manifest

from .conftest import write_jsonl


def _article(base: dict, aid: str, split: str, text_suffix: str = "") -> dict:
    a = copy.deepcopy(base)
    a["id"], a["split"] = aid, split
    a["text"] += text_suffix
    return a


@pytest.fixture
def corpus(tmp_path: Path, base_article: dict) -> Path:
    root = tmp_path / "corpus"
    (root / "data" / "articles").mkdir(parents=True)
    (root / "data" / "quotes").mkdir(parents=True)
    (root / "world").mkdir()
    shutil.copy(Path(__file__).parent.parent / "corpus" / "world" / "registry.jsonl",
                root / "world" / "registry.jsonl")
    (root / "VERSION").write_text("0.0.1\n")
    others = {
        "train": " Officials in Halde declined to comment on the timetable for new members.",
        "validation": " The Belcaro Gazette reported that envoys met twice in Santa Ilde.",
        "test": " A vote in the Lysmark parliament on the energy bill was postponed to May.",
    }
    for i, (s, extra) in enumerate(others.items()):
        a = _article(base_article, f"c-{i}", s)
        a["text"] = a["text"] + extra
        write_jsonl(root / "data" / "articles" / f"{s}.jsonl", [a])
    write_views_and_manifest(root)
    return root


def edit(corpus: Path, split: str, change, views: bool = True) -> None:
    """Change the one article of a split file in place, then (by default) rebuild the views and
    manifest, as a maintainer would after an intended edit."""
    f = corpus / "data" / "articles" / f"{split}.jsonl"
    a = json.loads(f.read_text())
    change(a)
    write_jsonl(f, [a])
    if views:
        write_views_and_manifest(corpus)


def rules(report):
    return sorted({(i.rule, i.line) for i in report.incidents})


def test_clean_corpus(corpus):
    assert rules(validate_corpus(corpus)) == []


def test_split_mismatch(corpus):
    edit(corpus, "test", lambda a: a.update(split="train"))
    assert ("corpus.split-mismatch", 1) in rules(validate_corpus(corpus))


def test_missing_split(corpus):
    (corpus / "data" / "articles" / "validation.jsonl").unlink()
    assert ("corpus.missing-split", 0) in rules(validate_corpus(corpus))


def test_duplicate_id_across_splits(corpus):
    edit(corpus, "test", lambda a: a.update(id="c-0"))
    assert ("article.duplicate-id", 1) in rules(validate_corpus(corpus))


def test_near_duplicate_text_in_two_splits_is_a_leak(corpus):
    train = json.loads((corpus / "data" / "articles" / "train.jsonl").read_text())
    # the same article, one sentence longer
    edit(corpus, "test", lambda a: a.update(text=train["text"] + " Extra.", quotes=[]))
    found = [i for i in validate_corpus(corpus).incidents if i.rule == "corpus.leak"]
    assert len(found) == 1 and "c-0" in found[0].message


def test_unknown_registry_id(corpus):
    edit(corpus, "train", lambda a: a["entities"][0].update(kb_id="QSW:P999"))
    assert ("kb.unknown", 1) in rules(validate_corpus(corpus))


def test_changed_file_fails_checksum(corpus):
    # a label change after the release, views and manifest left as they were
    edit(corpus, "train", lambda a: a["quotes"][0]["stances"][0].update(label="against"),
         views=False)
    found = rules(validate_corpus(corpus))
    assert ("corpus.checksum", 0) in found
    assert ("corpus.manifest", 0) in found  # the quote view is now stale too


def test_missing_manifest(corpus):
    (corpus / "MANIFEST.sha256").unlink()
    assert ("corpus.manifest", 0) in rules(validate_corpus(corpus))
    assert rules(validate_corpus(corpus, check_checksums=False)) == []


def test_manifest_is_deterministic(corpus):
    assert render_manifest(corpus) == (corpus / "MANIFEST.sha256").read_text()
