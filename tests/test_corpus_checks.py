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


def rules(report):
    return sorted({(i.rule, i.line) for i in report.incidents})


def test_clean_corpus(corpus):
    assert rules(validate_corpus(corpus)) == []


def test_split_mismatch(corpus):
    f = corpus / "data" / "articles" / "test.jsonl"
    a = json.loads(f.read_text())
    a["split"] = "train"
    write_jsonl(f, [a])
    write_views_and_manifest(corpus)
    assert ("corpus.split-mismatch", 1) in rules(validate_corpus(corpus))


def test_missing_split(corpus):
    (corpus / "data" / "articles" / "validation.jsonl").unlink()
    assert ("corpus.missing-split", 0) in rules(validate_corpus(corpus))


def test_duplicate_id_across_splits(corpus):
    f = corpus / "data" / "articles" / "test.jsonl"
    a = json.loads(f.read_text())
    a["id"] = "c-0"
    write_jsonl(f, [a])
    write_views_and_manifest(corpus)
    assert ("article.duplicate-id", 1) in rules(validate_corpus(corpus))


def test_near_duplicate_text_in_two_splits_is_a_leak(corpus):
    train = json.loads((corpus / "data" / "articles" / "train.jsonl").read_text())
    f = corpus / "data" / "articles" / "test.jsonl"
    a = json.loads(f.read_text())
    a["text"] = train["text"] + " Extra."  # same article, one sentence longer
    a["quotes"] = []
    write_jsonl(f, [a])
    write_views_and_manifest(corpus)
    found = [i for i in validate_corpus(corpus).incidents if i.rule == "corpus.leak"]
    assert len(found) == 1 and "c-0" in found[0].message


def test_unknown_registry_id(corpus):
    f = corpus / "data" / "articles" / "train.jsonl"
    a = json.loads(f.read_text())
    a["entities"][0]["kb_id"] = "QSW:P999"
    write_jsonl(f, [a])
    write_views_and_manifest(corpus)
    assert ("kb.unknown", 1) in rules(validate_corpus(corpus))


def test_changed_file_fails_checksum(corpus):
    f = corpus / "data" / "articles" / "train.jsonl"
    a = json.loads(f.read_text())
    a["quotes"][0]["stances"][0]["label"] = "against"  # a label change after the release
    write_jsonl(f, [a])
    found = rules(validate_corpus(corpus))
    assert ("corpus.checksum", 0) in found
    assert ("corpus.manifest", 0) in found  # the quote view is now stale too


def test_missing_manifest(corpus):
    (corpus / "MANIFEST.sha256").unlink()
    assert ("corpus.manifest", 0) in rules(validate_corpus(corpus))
    assert rules(validate_corpus(corpus, check_checksums=False)) == []


def test_manifest_is_deterministic(corpus):
    assert render_manifest(corpus) == (corpus / "MANIFEST.sha256").read_text()
