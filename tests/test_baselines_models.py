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


def _crafted(path: Path, system: str, params, state) -> Path:
    """A model file with a hand-made header (what an attacker or a broken tool could write)."""
    meta = {"format": "quotestance-model", "format_version": 1, "system": system,
            "params": params, "state": state}
    np.savez(path, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    return path


@pytest.mark.parametrize("system, params, state, says", [
    ("tfidf-stance", 5, {}, "the model's 'params' must be an object of settings, got 5"),
    ("tfidf-stance", ["C"], {}, "the model's 'params' must be an object"),
    ("tfidf-stance", {"C": "x"}, {}, "setting 'C' of system 'tfidf-stance' is 'x'"),
    ("tfidf-stance", {"C": [1]}, {}, "setting 'C' of system 'tfidf-stance' is [1]"),
    ("majority-stance", {}, [1], "the model's 'state' must be an object, got [1]"),
    ("majority-stance", {}, {"default": "favor", "labels": 5},
     "the model state does not fit system 'majority-stance' (AttributeError"),
    ("pipeline", {}, {"step0": {"params": 5, "state": {}}},
     "the model state does not fit system 'pipeline' (AttributeError"),
])
def test_crafted_header_is_refused_with_a_message_naming_the_file(tmp_path, system, params,
                                                                   state, says):
    p = _crafted(tmp_path / "m.npz", system, params, state)
    with pytest.raises(ModelFileError) as e:
        load_model(p)
    assert str(e.value).startswith(f"{p}: {says}")


def test_cli_predict_with_a_crafted_model_exits_1_without_traceback(tmp_path, run_cli):
    p = _crafted(tmp_path / "m5.npz", "tfidf-stance", 5, {})
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"text": "\\"We will win,\\" she said."}\n', "utf-8")
    r = run_cli("predict", inp, "-o", tmp_path / "out.jsonl", "-s", "tfidf-stance", "-m", p)
    assert r.exit_code == 1, r.output
    assert f"{p}: the model's 'params' must be an object" in r.stderr
    assert "Traceback" not in r.output and not (tmp_path / "out.jsonl").exists()


def test_unfitted_system_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="fit the system"):
        save_model(get_system("tfidf-stance"), tmp_path / "m.npz")
