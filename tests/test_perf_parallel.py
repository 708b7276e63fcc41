"""``predict --jobs``, ``evaluate --jobs`` and ``predict`` over a sharded archive (local pool
and Dask) give exactly the one-process output, errors included."""

from __future__ import annotations

import json

import pytest

from quotestance.distributed import (build_system, predict_file_parallel, predict_shards,
                                     shard_pairs, system_spec)
from quotestance.jsonl import InputError
from quotestance.systems import PredictInputError, get_system, predict_file

from .conftest import FIXTURES

SOURCES = ["train", "validation", "test", "seed"]


def _articles() -> list[dict]:
    return [json.loads(x) for s in SOURCES
            for x in (FIXTURES / "baselines" / f"{s}.jsonl").read_text(encoding="utf-8")
            .splitlines()]


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    """61 text-only inputs (some without an id: their id comes from the line number)."""
    arts = _articles()
    lines = []
    for i in range(61):
        a = arts[i % len(arts)]
        obj = {"text": a["text"], "targets": a["targets"]}
        if i % 7:
            obj["id"] = f"t-{i}"
        lines.append(json.dumps(obj, ensure_ascii=False))
    p = tmp_path_factory.mktemp("par") / "texts.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def fitted():
    from quotestance.corpus import load_corpus

    return get_system("pipeline").fit(load_corpus(path=FIXTURES / "baselines" / "train.jsonl"))


def _lines_with(path, bad: dict[int, str], out):
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, v in bad.items():
        lines[i] = v
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_output_is_identical(tmp_path, texts, jobs):
    system = get_system("rules-quotes")
    assert predict_file(system, texts, tmp_path / "one.jsonl") == 61
    assert predict_file_parallel(system, texts, tmp_path / "many.jsonl", jobs=jobs) == 61
    assert (tmp_path / "many.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    ids = [json.loads(x)["id"] for x in (tmp_path / "many.jsonl").read_text().splitlines()]
    assert ids[0] == "texts.jsonl:1" and ids[7] == "texts.jsonl:8"  # absolute line numbers


def test_a_fitted_system_predicts_the_same_in_workers(tmp_path, texts, fitted):
    spec = system_spec(fitted)
    assert spec[2] is not None and spec[2][:2] == b"PK"  # model-file bytes, not pickle
    predict_file(fitted, texts, tmp_path / "one.jsonl")
    predict_file_parallel(fitted, texts, tmp_path / "two.jsonl", jobs=2)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert build_system(spec) is build_system(spec)  # built once per process


@pytest.mark.parametrize("bad", [{40: '{"text": 5}'}, {40: '{"text": "x"', 12: "[]"},
                                 {55: "", 59: '{"id": "q"}'}])
def test_jobs_report_the_first_problem_like_one_process(tmp_path, texts, bad):
    src = _lines_with(texts, bad, tmp_path / "bad.jsonl")
    system = get_system("rules-quotes")
    with pytest.raises(PredictInputError) as one:
        predict_file(system, src, tmp_path / "one.jsonl")
    with pytest.raises(PredictInputError) as many:
        predict_file_parallel(system, src, tmp_path / "many.jsonl", jobs=3)
    assert str(many.value) == str(one.value) and f":{min(bad) + 1}:" in str(one.value)
    assert not (tmp_path / "many.jsonl").exists() and not list(tmp_path.glob(".*"))


def _shard(texts, folder, k=4):
    lines = texts.read_bytes().splitlines(True)
    folder.mkdir()
    per = -(-len(lines) // k)
    for i in range(k):
        (folder / f"part-{i}.jsonl").write_bytes(b"".join(lines[i * per:(i + 1) * per]))
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_shards_concatenate_to_the_one_file_output(tmp_path, texts, jobs):
    objs = [json.loads(x) for x in texts.read_text(encoding="utf-8").splitlines()]
    (tmp_path / "ids.jsonl").write_text("".join(  # ids of id-less lines depend on the file
        json.dumps({"id": f"s{i}", **o}) + "\n" for i, o in enumerate(objs)))
    arch = _shard(tmp_path / "ids.jsonl", tmp_path / "arch")
    system = get_system("rules-quotes")
    assert predict_shards(system, [arch], tmp_path / "out", jobs=jobs) == 61
    predict_file(system, tmp_path / "ids.jsonl", tmp_path / "whole.jsonl")
    outs = sorted((tmp_path / "out").glob("*.jsonl"))
    assert [p.name for p in outs] == [f"part-{i}.jsonl" for i in range(4)]
    assert b"".join(p.read_bytes() for p in outs) == (tmp_path / "whole.jsonl").read_bytes()


def test_a_bad_shard_leaves_no_output_and_names_its_line(tmp_path, texts):
    arch = _shard(texts, tmp_path / "arch")
    (arch / "part-2.jsonl").write_text('{"id": "a", "text": "ok"}\n{"id": 3, "text": "x"}\n')
    with pytest.raises(PredictInputError, match=r"part-2\.jsonl:2: 'id'"):
        predict_shards(get_system("rules-quotes"), [arch], tmp_path / "out", jobs=2)
    assert not list((tmp_path / "out").iterdir())


def test_shard_pairs_refuse_overwriting_inputs_and_collisions(tmp_path, texts):
    arch = _shard(texts, tmp_path / "arch")
    with pytest.raises(InputError, match="refusing to overwrite"):
        shard_pairs([arch / "part-1.jsonl"], arch)
    with pytest.raises(InputError, match="inside the input folder"):
        shard_pairs([arch], arch / "predictions")
    with pytest.raises(ValueError, match="both be written"):
        shard_pairs([arch / "part-0.jsonl", texts.parent / "arch" / "part-0.jsonl"],
                    tmp_path / "o")


def test_cli_predict_jobs_and_folders(run_cli, tmp_path, texts):
    a = run_cli("predict", texts, "-s", "rules-quotes", "-o", tmp_path / "a.jsonl")
    b = run_cli("predict", texts, "-s", "rules-quotes", "-o", tmp_path / "b.jsonl", "-j", "2")
    assert a.exit_code == b.exit_code == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    arch = _shard(texts, tmp_path / "arch")
    c = run_cli("predict", arch, "-s", "rules-quotes", "-o", tmp_path / "out", "-j", "2")
    assert c.exit_code == 0 and len(list((tmp_path / "out").glob("*.jsonl"))) == 4
    d = run_cli("predict", texts, "-s", "rules-quotes", "-o", tmp_path / "d", "--engine", "dask")
    assert d.exit_code == 2 and "sharded archive" in d.stderr
    e = run_cli("predict", arch, "-s", "rules-quotes", "-o", arch)
    assert e.exit_code == 1 and "refusing to" in e.stderr  # as for one file
    f = run_cli("predict", texts, "-s", "rules-quotes", "-o", tmp_path / "f.jsonl",
                "--scheduler", "tcp://127.0.0.1:1")
    assert f.exit_code == 2 and "needs --engine dask" in f.stderr
    g = run_cli("predict", texts, "-s", "rules-quotes", "-o", tmp_path / "g.jsonl", "-j", "999")
    assert g.exit_code == 0  # capped at the cores there are


def test_cli_predict_jobs_bad_input_same_message(run_cli, tmp_path, texts):
    src = _lines_with(texts, {33: "nonsense"}, tmp_path / "bad.jsonl")
    a = run_cli("predict", src, "-s", "rules-quotes", "-o", tmp_path / "a.jsonl")
    b = run_cli("predict", src, "-s", "rules-quotes", "-o", tmp_path / "b.jsonl", "-j", "2")
    assert a.exit_code == b.exit_code == 1 and a.stderr == b.stderr and "bad.jsonl:34:" in a.stderr
    assert not (tmp_path / "b.jsonl").exists()


@pytest.mark.slow
def test_dask_local_cluster_predicts_shards_identically(tmp_path, texts, fitted):
    pytest.importorskip("dask.distributed")
    arch = _shard(texts, tmp_path / "arch")
    predict_shards(fitted, [arch], tmp_path / "local")
    predict_shards(fitted, [arch], tmp_path / "dask", engine="dask", jobs=2)
    for p in sorted((tmp_path / "local").glob("*.jsonl")):
        assert (tmp_path / "dask" / p.name).read_bytes() == p.read_bytes()


@pytest.mark.slow
def test_cli_dask_engine_predict(run_cli, tmp_path, texts):
    pytest.importorskip("dask.distributed")
    arch = _shard(texts, tmp_path / "arch")
    a = run_cli("predict", arch, "-s", "rules-quotes", "-o", tmp_path / "a")
    b = run_cli("predict", arch, "-s", "rules-quotes", "-o", tmp_path / "b", "--engine", "dask")
    assert a.exit_code == b.exit_code == 0
    for p in sorted((tmp_path / "a").glob("*.jsonl")):
        assert (tmp_path / "b" / p.name).read_bytes() == p.read_bytes()


# -- evaluate --jobs ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """600 gold articles (over two worker chunks each) and two noisy prediction files."""
    import random

    from quotestance.evaluation.bench import predict

    arts = _articles()
    gold = [{**arts[i % len(arts)], "id": f"g-{i}"} for i in range(600)]
    d = tmp_path_factory.mktemp("eval")
    (d / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold))
    for name, seed in (("a", 1), ("b", 2)):
        rnd = random.Random(seed)
        preds = [predict(rnd, g) for g in gold[:590]]  # ten missing
        (d / f"{name}.jsonl").write_text("".join(json.dumps(p) + "\n" for p in preds))
    return d, gold


def test_evaluate_jobs_result_is_identical(scored):
    from quotestance.evaluation import evaluate_articles, load_predictions

    d, gold = scored
    a, b = load_predictions(d / "a.jsonl"), load_predictions(d / "b.jsonl")
    one = evaluate_articles(gold, a, bootstrap=30, compare=b, match="iou50")
    two = evaluate_articles(gold, a, bootstrap=30, compare=b, match="iou50", jobs=2)
    assert two.to_dict() == one.to_dict() and len(one.articles["missing"]) == 10


def test_evaluate_jobs_report_the_same_problems(scored):
    from quotestance.evaluation import PredictionError, evaluate_articles, load_predictions

    d, gold = scored
    preds = load_predictions(d / "a.jsonl")
    bad = [json.loads(x) for x in (d / "a.jsonl").read_text().splitlines()]
    for i in (3, 300, 580):
        bad[i]["quotes"].append({"start": 0, "end": 10 ** 6})
    msgs = []
    for jobs in (1, 2):
        with pytest.raises(PredictionError) as e:
            evaluate_articles(gold, bad, jobs=jobs)
        msgs.append(e.value.messages)
    assert msgs[0] == msgs[1] and len(msgs[0]) == 3 and preds


def test_cli_evaluate_jobs_identical_output_and_errors(run_cli, scored, tmp_path):
    d, gold = scored
    args = ("evaluate", d / "gold.jsonl", d / "a.jsonl", "-f", "json", "-b", "20")
    one, two = run_cli(*args), run_cli(*args, "--jobs", "2")
    assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout
    broken = tmp_path / "gold.jsonl"
    lines = (d / "gold.jsonl").read_text().splitlines()
    lines[400] = lines[400].replace('"quotes": [{', '"quotes": [{"start": -1, "x": 0, ', 1)
    broken.write_text("\n".join(lines) + "\n")
    one = run_cli("evaluate", broken, d / "a.jsonl")
    two = run_cli("evaluate", broken, d / "a.jsonl", "-j", "2")
    assert one.exit_code == two.exit_code == 1 and one.stderr == two.stderr
    assert "gold.jsonl:401" in one.stderr
