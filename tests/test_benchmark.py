"""The benchmark runner, its JSON results, and the benchmark / predict / train commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotestance.benchmark import PRIMARY, SCHEMA, SETTINGS, make_input, run_benchmark
from quotestance.corpus import load_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "baselines"
TRAIN, VAL, TEST = (FIXTURES / f"{s}.jsonl" for s in ("train", "validation", "test"))
FAST = ["rules-quotes", "learned-quotes", "heuristic-speakers", "learned-speakers",
        "majority-stance", "tfidf-stance"]


@pytest.fixture(scope="module")
def data():
    return load_corpus(path=TRAIN), load_corpus(path=VAL), load_corpus(path=TEST)


@pytest.fixture(scope="module")
def result(data):
    train, val, test = data
    return run_benchmark(train, test, val, systems=FAST, split="test", corpus_version="fx")


def test_inputs_hide_exactly_what_each_setting_predicts(data):
    a = data[2][0]
    q = make_input(a, "quotes")
    assert q.quotes == () and q.entities == () and q.targets == () and q.text == a.text
    e = make_input(a, "e2e")
    assert e.quotes == () and e.entities == () and e.targets == a.targets
    s = make_input(a, "speakers")
    assert [(x.start, x.end) for x in s.quotes] == [(x.start, x.end) for x in a.quotes]
    assert all(x.speaker is None and x.speaker_mention is None and x.cue is None
               for x in s.quotes)
    st = make_input(a, "stance")
    assert all(x.stances == () for x in st.quotes)
    assert [x.speaker for x in st.quotes] == [x.speaker for x in a.quotes]
    with pytest.raises(ValueError, match="must be one of"):
        make_input(a, "everything")


def test_json_results_follow_the_documented_schema(result):
    d = json.loads(json.dumps(result.to_dict()))
    assert d["schema"] == SCHEMA
    assert set(d) == {"schema", "toolkit_version", "corpus_version", "split", "seed", "settings",
                      "primary", "data", "leaderboards", "systems"}
    assert d["settings"] == SETTINGS and d["primary"] == PRIMARY
    assert d["data"]["train"]["articles"] == 16 and d["data"]["test"]["articles"] == 6
    assert set(d["leaderboards"]) == {"quotes", "speakers", "stance"}
    for task, rows in d["leaderboards"].items():
        prim = [r["primary"] for r in rows]
        assert prim == sorted(prim, reverse=True)
        for r in rows:
            assert set(r) == {"system", "setting", "scores", "primary", "signature"}
            assert f"task:{task}" in r["signature"] and "split:test" in r["signature"]
            assert all(v is None or 0.0 <= v <= 1.0 for v in r["scores"].values())
    for s in d["systems"]:
        assert set(s) == {"name", "setting", "tasks", "params", "selection",
                          "validation_score", "scores", "signature", "seconds"}
        assert s["selection"], "settings are chosen on validation"
        best = max(x["score"] for x in s["selection"])
        assert s["validation_score"] == best


def test_settings_are_chosen_on_validation_only(data, monkeypatch):
    """The test set is predicted exactly once per system, by the setting chosen on validation
    (the first best in grid order); every setting tried is predicted on validation."""
    import quotestance.benchmark as bm

    train, val, test = data
    calls = []
    real = bm._predict_dicts

    def spy(system, gold, setting):
        calls.append((system.name, gold, {k: v for k, v in system.get_params().items()
                                          if k != "random_state"}))
        return real(system, gold, setting)

    monkeypatch.setattr(bm, "_predict_dicts", spy)
    res = run_benchmark(train, test, val, systems=FAST, corpus_version="fx")
    assert sum(len(s.selection) for s in res.systems) > len(res.systems), "a grid to choose from"
    for s in res.systems:
        on_test = [p for name, gold, p in calls if name == s.name and gold is test]
        on_val = [p for name, gold, p in calls if name == s.name and gold is val]
        assert [{k: p[k] for k in x["params"]} for p, x in zip(on_val, s.selection)] == \
            [x["params"] for x in s.selection] and len(on_val) == len(s.selection)
        [p] = on_test
        assert p == s.params
        best = max(x["score"] for x in s.selection)
        chosen = next(x["params"] for x in s.selection if x["score"] == best)
        assert {k: p[k] for k in chosen} == chosen


def test_two_runs_give_identical_numbers(data, result):
    train, val, test = data
    again = run_benchmark(train, test, val, systems=FAST, split="test", corpus_version="fx")
    strip = [{k: v for k, v in s.to_dict().items() if k != "seconds"} for s in result.systems]
    assert strip == [{k: v for k, v in s.to_dict().items() if k != "seconds"}
                     for s in again.systems]


def test_rules_find_the_fixture_quotes_and_the_majority_is_beaten(result):
    by = {s.name: s for s in result.systems}
    assert by["rules-quotes"].scores["quotes.exact.f1"] == 1.0
    assert by["learned-speakers"].scores["speakers.accuracy"] >= 0.9
    majority = by["majority-stance"].scores
    for key in ("stance.macro_f1", "stance.accuracy"):
        assert by["tfidf-stance"].scores[key] > majority[key], key


def test_benchmark_command_writes_json_and_renders_it_again(run_cli, tmp_path):
    out = tmp_path / "results.json"
    r = run_cli("benchmark", "--train", TRAIN, "--validation", VAL, "--test", TEST,
                "-s", "rules-quotes", "-s", "majority-stance", "-o", out)
    assert r.exit_code == 0, r.stderr
    assert "== quotes" in r.stdout
    d = json.loads(out.read_text())
    assert [s["name"] for s in d["systems"]] == ["rules-quotes", "majority-stance"]
    r2 = run_cli("benchmark", "--from-json", out, "--format", "markdown")
    assert r2.exit_code == 0 and "| rules-quotes |" in r2.stdout


def test_user_files_are_signed_by_content_as_evaluate_signs_them(run_cli, tmp_path):
    import hashlib

    def signature(test_file):
        out = tmp_path / "r.json"
        r = run_cli("benchmark", "--train", TRAIN, "--test", test_file, "-s", "rules-quotes",
                    "-o", out)
        assert r.exit_code == 0, r.stderr
        return json.loads(out.read_text())["systems"][0]["signature"]

    sig = signature(TEST)
    qs = "file:" + hashlib.sha256(TEST.read_bytes()).hexdigest()[:12]
    assert sig.startswith(f"qs:{qs}|split:test|task:quotes|")
    r = run_cli("evaluate", TEST, TEST, "--task", "quotes", "--format", "json")
    assert json.loads(r.stdout)["signature"] == sig
    other = tmp_path / "other.jsonl"
    other.write_text("".join(TEST.read_text().splitlines(keepends=True)[:3]))
    assert signature(other) != sig


@pytest.mark.parametrize("parts, needle", [
    (("--test", TRAIN), r"train\.jsonl:1: article id '[^']+' is in the test data and in the "
                        r"train data \(.*train\.jsonl:1"),
    (("--validation", TEST, "--test", TEST),
     r"test\.jsonl:1: article id '[^']+' is in the test data and in the validation data"),
])
def test_benchmark_refuses_an_article_in_two_parts(run_cli, parts, needle):
    import re

    r = run_cli("benchmark", "--train", TRAIN, *parts, "-s", "rules-quotes")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "in two of train, validation and test" in r.stderr
    assert re.search(needle, r.stderr), r.stderr


def test_benchmark_refuses_the_same_or_a_near_identical_text_under_another_id(data, tmp_path,
                                                                              run_cli):
    train, val, test = data
    a = json.loads(TEST.read_text().splitlines()[0])
    twin = dict(a, id="twin", text=a["text"] + " More was said later.")  # offsets unchanged
    f = tmp_path / "train.jsonl"
    f.write_text(TRAIN.read_text() + json.dumps(twin) + "\n")
    r = run_cli("benchmark", "--train", f, "--test", TEST, "-s", "rules-quotes")
    assert r.exit_code == 1, r.stderr
    n = len(train)
    assert f"test.jsonl:1: article {a['id']!r} (test data) shares 9" in r.stderr
    assert f"with article 'twin' (train data, {f}:{n + 1})" in r.stderr
    f.write_text(TRAIN.read_text() + json.dumps(dict(a, id="copy")) + "\n")
    r = run_cli("benchmark", "--train", f, "--test", TEST, "-s", "rules-quotes")
    assert r.exit_code == 1, r.stderr
    assert f"test.jsonl:1: the same text is in the test data and in the train data " \
        f"({f}:{n + 1}, article 'copy')" in r.stderr


def test_benchmark_command_usage_errors(run_cli, tmp_path):
    assert run_cli("benchmark", "--train", TRAIN).exit_code == 2
    assert run_cli("benchmark", "--train", TRAIN, "--test", TEST, "--seed", "-1").exit_code == 2
    assert run_cli("benchmark", "--train", TRAIN, "--test", TEST, "-s", "nope").exit_code == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    r = run_cli("benchmark", "--train", bad, "--test", TEST, "-s", "rules-quotes")
    assert r.exit_code == 1 and "bad.jsonl:1" in r.stderr


def test_predict_streams_valid_corpus_records(run_cli, tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": f"n{i}", "text": "“We are ready,” Rell said.",
                                       "targets": [{"id": "t1", "name": "the talks"}]}) + "\n"
                           for i in range(3)))
    out = tmp_path / "out.jsonl"
    r = run_cli("predict", inp, "-o", out, "-s", "rules-quotes")
    assert r.exit_code == 0, r.stderr
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in rows] == ["n0", "n1", "n2"]
    assert rows[0]["quotes"][0]["text"] == "“We are ready,”"
    assert run_cli("validate", out).exit_code == 0


def test_predict_reports_bad_lines_and_leaves_no_output(run_cli, tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"text": "fine"}\n{"title": "no text"}\n')
    out = tmp_path / "out.jsonl"
    r = run_cli("predict", inp, "-o", out, "-s", "rules-quotes")
    assert r.exit_code == 1 and "in.jsonl:2" in r.stderr and "text" in r.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl.*"))
    r = run_cli("predict", inp, "-o", inp, "-s", "rules-quotes")
    assert r.exit_code == 1 and "refusing to overwrite" in r.stderr
    assert run_cli("predict", inp, "-o", out, "-s", "nope").exit_code == 2


def test_train_then_predict_with_the_saved_model(run_cli, tmp_path):
    model = tmp_path / "m.npz"
    r = run_cli("train", "-s", "learned-speakers", "--train", TRAIN, "-o", model,
                "-p", "C=0.5")
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "out.jsonl"
    r = run_cli("predict", TEST, "-o", out, "-s", "learned-speakers", "-m", model)
    assert r.exit_code == 0, r.stderr
    assert "training" not in r.stderr
    gold = [json.loads(x) for x in TEST.read_text().splitlines()]
    pred = [json.loads(x) for x in out.read_text().splitlines()]
    assert [q["speaker"] for a in pred for q in a["quotes"]] == \
        [q["speaker"] for a in gold for q in a["quotes"]]
    r = run_cli("predict", TEST, "-o", out, "-s", "tfidf-stance", "-m", model)
    assert r.exit_code == 1 and "not 'tfidf-stance'" in r.stderr


@pytest.mark.skipif(not (Path(__file__).parent.parent / "corpus" / "data" / "articles" /
                         "test.jsonl").is_file(), reason="shipped corpus not built")
def test_rules_extractor_smoke_on_the_shipped_corpus():
    from quotestance_baselines.quotes_rules import RuleQuoteExtractor

    for a in load_corpus("validation"):
        for q in RuleQuoteExtractor().predict_article(make_input(a, "quotes")).quotes:
            assert a.text[q.start:q.end] == q.text
