"""Model files: saved systems predict exactly as before; pickles and object arrays are refused."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest

from quotestance.benchmark import make_input
from quotestance.corpus import load_corpus
from quotestance.systems import (ModelFileError, available_systems, get_system, load_model,
                                 save_model, setting_of)

FIXTURES = Path(__file__).parent / "fixtures" / "baselines"
SETTING_INPUT = {"quotes": "quotes", "speakers": "speakers", "stance": "stance", "e2e": "e2e"}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(path=FIXTURES / "train.jsonl"), load_corpus(path=FIXTURES / "test.jsonl")


def test_every_baseline_is_registered_and_follows_the_conventions():
    names = available_systems()
    for n in ("rules-quotes", "learned-quotes", "heuristic-speakers", "learned-speakers",
              "majority-stance", "tfidf-stance", "pipeline"):
        assert n in names
    for n in names:
        s = get_system(n)
        assert s.name == n
        assert not [k for k in vars(s) if k.endswith("_")], "no learned state before fit"
        assert set(s.get_params()) == set(vars(s)), "__init__ only stores its arguments"
        setting_of(s)


@pytest.mark.parametrize("name", ["learned-quotes", "learned-speakers", "majority-stance",
                                  "tfidf-stance", "pipeline"])
def test_saved_model_predicts_like_the_fitted_system(name, corpus, tmp_path):
    train, test = corpus
    s = get_system(name).fit(train)
    assert s.fit(train) is s
    path = tmp_path / "m.npz"
    save_model(s, path)
    loaded = load_model(path)
    setting = setting_of(s)
    for a in test:
        x = make_input(a, setting)
        assert loaded.predict_article(x) == s.predict_article(x)


def test_pickle_file_is_refused(tmp_path):
    p = tmp_path / "evil.npz"
    p.write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(ModelFileError, match="never loaded"):
        load_model(p)


def test_npz_with_object_array_is_refused(tmp_path):
    p = tmp_path / "evil.npz"
    np.savez(p, __meta__=np.frombuffer(b"{}", dtype=np.uint8),
             payload=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ModelFileError, match="pickled"):
        load_model(p)


def test_header_naming_another_system_or_format_is_refused(tmp_path, corpus):
    s = get_system("majority-stance").fit(corpus[0])
    p = tmp_path / "m.npz"
    save_model(s, p)
    with pytest.raises(ModelFileError, match="not 'tfidf-stance'"):
        load_model(p, expect="tfidf-stance")
    bad = tmp_path / "bad.npz"
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(json.dumps({"format": "other"}).encode(), dtype=np.uint8))
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("__meta__.npy", buf.getvalue())
    with pytest.raises(ModelFileError, match="not a QuoteStance model"):
        load_model(bad)


def test_unfitted_system_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="fit the system"):
        save_model(get_system("tfidf-stance"), tmp_path / "m.npz")
