"""Typed records, the in-memory HF loader, and `datasets.load_dataset("corpus")` offline."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

import quotestance as qs
from quotestance.corpus import CorpusError
from quotestance.labels import SPLITS

from .conftest import CORPUS, FIXTURES, write_jsonl


def test_load_corpus_returns_typed_records():
    arts = qs.load_corpus("test")
    assert arts and all(isinstance(a, qs.Article) for a in arts)
    seed = next(a for a in arts if a.id == "qs-r0001")
    assert seed.provenance == "real" and seed.split == "test"
    q = seed.quotes[0]
    assert isinstance(q.speaker_mention, qs.Span)
    assert seed.text[q.start:q.end] == q.text
    assert seed.text[q.speaker_mention.start:q.speaker_mention.end] == q.speaker_mention.text


def test_load_corpus_from_a_file(base_article):
    (a,) = qs.load_corpus(path=FIXTURES / "valid" / "small.jsonl")
    assert a.id == base_article["id"] and len(a.quotes) == 2


def test_load_corpus_refuses_invalid_files():
    with pytest.raises(CorpusError, match=r"span\.text"):
        qs.load_corpus(path=FIXTURES / "invalid" / "span.text.jsonl")


def test_mistyped_path_fails_at_once():
    t = time.perf_counter()
    with pytest.raises(CorpusError, match="no such file or folder"):
        qs.load_hf(path="corpsu")
    assert time.perf_counter() - t < 5  # never a Hub lookup with retries


def test_bad_split_name():
    with pytest.raises(ValueError, match="'split' parameter must be one of"):
        qs.load_corpus("dev")


def _copy_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("sources"))
    return root


def test_load_hf_views_and_features(tmp_path):
    d = qs.load_hf(path=_copy_corpus(tmp_path))
    assert set(d) == set(SPLITS)
    q = d["test"].features["quotes"].feature
    assert q["type"].names == ["direct", "indirect", "mixed"]
    rows = qs.load_hf("quotes", path=_copy_corpus(tmp_path / "b"))
    n = sum(len(a.quotes) for a in qs.load_corpus("test"))
    assert rows["test"].num_rows == n
    assert {"article_id", "speaker_name", "stances"} <= set(rows["test"].column_names)


def test_load_hf_is_never_stale_after_an_edit(tmp_path):
    root = _copy_corpus(tmp_path)
    first = qs.load_hf(path=root)["test"]
    f = root / "data" / "articles" / "test.jsonl"
    arts = [json.loads(x) for x in f.read_text(encoding="utf-8").splitlines()]
    arts[0]["title"] = "Edited title"
    write_jsonl(f, arts[:1])
    again = qs.load_hf(path=root)["test"]
    assert first.num_rows == len(arts) and again.num_rows == 1
    assert again[0]["title"] == "Edited title"


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))


def test_datasets_load_dataset_from_a_clone(offline, tmp_path, monkeypatch):
    import datasets

    root = _copy_corpus(tmp_path)
    monkeypatch.chdir(root.parent)
    cache = str(tmp_path / "cache")  # datasets reads HF_DATASETS_CACHE once, at import
    arts = datasets.load_dataset("corpus", cache_dir=cache)
    assert set(arts) == set(SPLITS)
    assert arts["test"].features["quotes"].feature["stances"].feature["label"].names == \
        ["favor", "against", "neutral"]
    expected = {s: len(qs.load_corpus(s)) for s in SPLITS}
    assert {s: arts[s].num_rows for s in SPLITS} == expected
    rows = datasets.load_dataset("corpus", "quotes", cache_dir=cache)
    assert rows["test"].num_rows == sum(len(a.quotes) for a in qs.load_corpus("test"))
    assert rows["test"].features["type"].names == ["direct", "indirect", "mixed"]
