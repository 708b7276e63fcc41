"""CLI contract of validate / align / stats / corpus: exit codes, stdout vs stderr, JSON."""

from __future__ import annotations

import json
import shutil

from .conftest import CORPUS, FIXTURES


def test_validate_clean_file(run_cli):
    r = run_cli("validate", FIXTURES / "valid" / "small.jsonl")
    assert r.exit_code == 0 and r.stdout.strip().startswith("OK:")


def test_validate_errors_exit_1_with_path_line_rule(run_cli):
    f = FIXTURES / "invalid" / "span.text.jsonl"
    r = run_cli("validate", f)
    assert r.exit_code == 1
    assert f"{f}:2: error span.text:" in r.stdout
    assert "FAILED" in r.stdout


def test_validate_json_format(run_cli):
    r = run_cli("validate", "--format", "json", FIXTURES / "invalid" / "ref.target.jsonl")
    out = json.loads(r.stdout)
    assert r.exit_code == 1 and out["ok"] is False and out["by_rule"] == {"ref.target": 1}
    assert out["incidents"][0]["line"] == 2


def test_validate_warnings_only_exit_0_unless_strict(run_cli):
    f = FIXTURES / "invalid" / "mention.alias.jsonl"
    assert run_cli("validate", f).exit_code == 0
    assert run_cli("validate", "--strict", f).exit_code == 1


def test_validate_usage_errors_exit_2(run_cli, tmp_path):
    assert run_cli("validate", tmp_path / "missing.jsonl").exit_code == 2
    assert run_cli("validate", "--format", "xml", FIXTURES / "valid" / "small.jsonl").exit_code == 2
    assert run_cli("validate", "--ignore", "no.such-rule",
                   FIXTURES / "valid" / "small.jsonl").exit_code == 2
    empty_dir = tmp_path / "d"
    empty_dir.mkdir()
    r = run_cli("validate", empty_dir)
    assert r.exit_code == 2 and "no .jsonl files" in r.stderr


def test_validate_ignore_rule(run_cli):
    f = FIXTURES / "invalid" / "span.text.jsonl"
    assert run_cli("validate", "--ignore", "span.text", f).exit_code == 0


def test_validate_shipped_corpus(run_cli):
    r = run_cli("validate", CORPUS)
    assert r.exit_code == 0, r.stdout[-2000:]


def test_align_writes_valid_records(run_cli, tmp_path):
    out = tmp_path / "seed.jsonl"
    r = run_cli("align", CORPUS / "sources" / "seed", "-o", out, "--split", "test")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert run_cli("validate", out).exit_code == 0
    shipped = [json.loads(x) for x in (CORPUS / "data" / "articles" / "test.jsonl").open()]
    seed = next(a for a in shipped if a["id"] == "qs-r0001")
    assert json.loads(out.read_text(encoding="utf-8")) == seed


def test_align_needs_output_or_check(run_cli):
    assert run_cli("align", CORPUS / "sources" / "seed").exit_code == 2


def test_stats_json_and_markdown(run_cli):
    r = run_cli("stats", CORPUS, "--format", "json")
    s = json.loads(r.stdout)
    assert r.exit_code == 0 and s["all"]["articles"] >= 1 and "quotas" in s["all"]
    assert "| statistic |" in run_cli("stats", CORPUS, "--format", "markdown").stdout


def test_corpus_add_refuses_clash_and_keeps_corpus_intact(run_cli, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("sources"))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    existing = (root / "data" / "articles" / "train.jsonl").read_text().splitlines()[0]
    clash = tmp_path / "clash.jsonl"
    obj = json.loads(existing)
    obj["split"] = None
    clash.write_text(json.dumps(obj) + "\n")
    r = run_cli("corpus", "add", clash, "--split", "train", "--corpus", root)
    assert r.exit_code == 1 and "already in split" in r.stdout
    assert before == {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_corpus_add_appends_and_revalidates(run_cli, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("sources"))
    new = FIXTURES / "valid" / "small.jsonl"
    obj = json.loads(new.read_text())
    obj["split"] = None
    f = tmp_path / "new.jsonl"
    f.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    r = run_cli("corpus", "add", f, "--split", "validation", "--corpus", root)
    assert r.exit_code == 0, r.stdout + r.stderr
    ids = [json.loads(x)["id"] for x in (root / "data/articles/validation.jsonl").open()]
    assert "fx-0001" in ids
    assert run_cli("validate", root).exit_code == 0


def test_corpus_add_survives_a_rebuild_from_sources(run_cli, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    obj = json.loads((FIXTURES / "valid" / "small.jsonl").read_text())
    obj["split"] = None
    f = tmp_path / "new.jsonl"
    f.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli("corpus", "add", f, "--split", "validation", "--corpus", root).exit_code == 0
    assert (root / "sources" / "contrib" / "fx-0001.json").is_file()
    before = (root / "data/articles/validation.jsonl").read_bytes()
    r = run_cli("corpus", "build", "--corpus", root)
    assert r.exit_code == 0, r.stderr
    assert (root / "data/articles/validation.jsonl").read_bytes() == before
    assert run_cli("validate", root).exit_code == 0


def test_build_refuses_to_drop_articles_without_source(run_cli, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    (root / "sources" / "seed" / "qs-r0001.yaml").unlink()
    r = run_cli("corpus", "build", "--corpus", root)
    assert r.exit_code == 1 and "qs-r0001" in r.stderr and "--drop-unsourced" in r.stderr


def test_corpus_commands_accept_a_relative_corpus_path(run_cli, tmp_path, monkeypatch):
    shutil.copytree(CORPUS, tmp_path / "cc", ignore=shutil.ignore_patterns("sources"))
    monkeypatch.chdir(tmp_path)
    assert run_cli("corpus", "manifest", "--corpus", "cc").exit_code == 0
    assert not list((tmp_path / "cc").rglob(".qs-staged-*"))
    assert run_cli("validate", "cc").exit_code == 0


def test_outputs_inside_an_input_folder_are_refused(run_cli, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CORPUS / "sources" / "seed", src)
    before = (src / "qs-r0001.yaml").read_bytes()
    r = run_cli("align", src, "-o", src / "qs-r0001.yaml")
    assert r.exit_code == 2 and "input folder" in r.stderr
    assert (src / "qs-r0001.yaml").read_bytes() == before
    cc = tmp_path / "cc"
    shutil.copytree(CORPUS, cc, ignore=shutil.ignore_patterns("sources"))
    target = cc / "data" / "articles" / "test.jsonl"
    before = target.read_bytes()
    r = run_cli("export", "labelstudio", cc, "-o", target)
    assert r.exit_code == 2 and target.read_bytes() == before


def test_validate_jobs_is_capped(run_cli):
    r = run_cli("validate", "--jobs", "100000", FIXTURES / "valid" / "small.jsonl",
                FIXTURES / "invalid" / "span.text.jsonl")
    assert r.exit_code == 1 and "span.text" in r.stdout
